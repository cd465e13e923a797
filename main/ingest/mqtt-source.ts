/**
 * The MQTT edge of ingest: connects to the broker, subscribes, and feeds every message to the
 * router. All the decisions live in the decoders; this file only does I/O.
 *
 * Delivery: onReadings is called synchronously, once per MQTT message that yielded readings
 * (usually a batch of one). At light traffic the connection is read in bursts (ReadCoalescer), so
 * those calls come many to a wake-up; the store and the screens batch on their own clocks.
 *
 * Reconnect is ours, not mqtt.js's (reconnectPeriod 0): jittered exponential back-off, and a fresh
 * client per attempt so TLS files and options are re-read each time.
 */
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { BrokerState } from '../../common/contract';
import { brokerClientOptions } from '../broker-options';
import type { AppConfig } from '../config';
import { Backoff, type BackoffOptions } from './backoff';
import type { PublishAction } from './decoded';
import { MessageRouter } from './message-router';
import type { Quarantine } from './quarantine';
import type { CardinalityGate } from './cardinality-gate';
import { guardPacketSize } from './packet-size-guard';
import { RateMeter } from '../primitives/rate-meter';
import { ReadCoalescer, type PausableStream } from './read-coalescer';
import { SourceEvents } from './source-events';
import { SparkplugDecoder, type SparkplugOptions } from './sparkplug';
import type { WallMs } from '../../common/time';

export interface MqttSourceOptions {
  broker: Pick<AppConfig['broker'], 'username' | 'password' | 'clientId' | 'tls' | 'topics'> & { url: string };
  ingest: Pick<AppConfig['ingest'], 'maxPayloadBytes'> & Partial<Pick<AppConfig['ingest'], 'readCoalesceMs'>>;
  quarantine: Quarantine;
  /** Subscription QoS; 1 unless told otherwise, so a broker with a session can redeliver. */
  qos?: 0 | 1 | 2;
  clock?: () => WallMs;
  backoff?: BackoffOptions;
  sparkplug?: Omit<SparkplugOptions, 'maxPayloadBytes'>;
  connectTimeoutMs?: number;
  /** How often Sparkplug reorder timeouts are checked. */
  tickMs?: number;
  readFile?: (path: string) => Buffer;
  ackGate?: AckGate;
  /** Bounds the machines and sensors the broker can add (cardinality-gate.ts). */
  gate?: CardinalityGate;
}

/** Tells mqtt.js not to send its own PUBACK; its publish handler then goes on with the next packet. */
const ACK_HELD = new Error('PUBACK held until the message is stored');
const noop = () => {};
/** An MQTT packet carries its topic (up to 64 KB) and headers beside the payload. */
export const MQTT_PACKET_OVERHEAD = 65_536 + 16;

/**
 * Where what a message yielded becomes durable. With one, a QoS 1 message is acknowledged to the
 * broker only once its readings are stored: a crash before that leaves it with the broker, which
 * redelivers it on our persistent session.
 */
export interface AckGate {
  /** A mark covering everything handed on so far. */
  mark(): number;
  /** Calls ack once everything up to mark is stored; calls come in mark order. */
  whenStored(mark: number, ack: () => void): void;
}

export interface PublishOptions {
  qos?: 0 | 1 | 2;
  retain?: boolean;
}

/** Its state: anything but 'connected' means the data on screen is no longer live; onOffline is a Sparkplug death. */
export class MqttSource extends SourceEvents<BrokerState> {
  private stateNow: BrokerState = 'offline';
  private error: string | null = null;
  private client: MqttClient | null = null;
  private coalescer: ReadCoalescer | null = null;
  private running = false;
  private everConnected = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private readonly clock: () => WallMs;
  private readonly backoff: Backoff;
  private readonly meter = new RateMeter();
  private readonly router: MessageRouter;

  constructor(private readonly options: MqttSourceOptions) {
    super('ingest');
    this.clock = options.clock ?? Date.now;
    this.backoff = new Backoff(options.backoff);
    this.router = new MessageRouter({
      maxPayloadBytes: options.ingest.maxPayloadBytes,
      quarantine: options.quarantine,
      ...(options.gate && { gate: options.gate }),
      sparkplug: new SparkplugDecoder({ ...options.sparkplug, maxPayloadBytes: options.ingest.maxPayloadBytes }),
      sinks: {
        readings: (batch, protocol) => this.readingListeners.emit(batch, protocol),
        meta: (meta) => this.metaListeners.emit(meta),
        offline: (id) => this.offlineListeners.emit(id),
        rejected: (entry) => this.rejectedListeners.emit(entry),
        publish: (action) => this.performPublish(action),
      },
    });
  }

  get state(): BrokerState {
    return this.stateNow;
  }

  get lastError(): string | null {
    return this.error;
  }

  /** Messages received in the last whole second. */
  get messagesPerSecond(): number {
    return this.meter.perSecond(this.clock());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.tickTimer = setInterval(() => this.router.tick(this.clock()), this.options.tickMs ?? 1_000);
    this.tickTimer.unref();
    this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.retryTimer = this.tickTimer = null;
    const client = this.client;
    this.client = null;
    this.coalesce(null);
    this.setState('offline');
    if (client) await client.endAsync(!client.connected);
  }

  async publish(topic: string, payload: string | Uint8Array, opts: PublishOptions = {}): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new Error(`not connected to the broker (${this.stateNow})`);
    await client.publishAsync(topic, Buffer.from(payload), { qos: opts.qos ?? 0, retain: opts.retain ?? false });
  }

  private connect(): void {
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    let client: MqttClient;
    try {
      // TLS files are read here, per attempt, so a renewed certificate is picked up on reconnect
      client = mqtt.connect(this.options.broker.url, this.clientOptions());
    } catch (err) {
      this.error = `cannot connect to ${this.options.broker.url}: ${(err as Error).message}`;
      this.scheduleRetry();
      return;
    }
    this.client = client;
    // mqtt.js buffers a whole packet (up to 256 MB) before the payload limit can look at it: the
    // stream is cut on the header of anything beyond the limit plus a topic's worth of overhead.
    const stream = client.stream as Partial<Parameters<typeof guardPacketSize>[0]> | undefined;
    if (stream?.on && stream.off && stream.destroy) {
      guardPacketSize(stream as Parameters<typeof guardPacketSize>[0], this.options.ingest.maxPayloadBytes + MQTT_PACKET_OVERHEAD, (reason) => {
        this.error = `connection cut: ${reason}`;
        this.options.quarantine.reject('(packet header)', new Uint8Array(0), 'oversized', reason, this.clock());
      });
    }
    client.on('connect', () => {
      if (client !== this.client) return;
      this.everConnected = true;
      this.backoff.reset();
      // mqtt.js leaves Nagle on: about 60 ms of p99 latency at a few thousand messages a second
      (client.stream as Partial<Socket>).setNoDelay?.(true);
      this.coalesce(client.stream as Partial<PausableStream>);
      this.subscribe(client);
    });
    client.on('message', (topic, payload) => {
      const now = this.clock();
      this.meter.mark(now);
      this.router.route(topic, payload, now);
    });
    // Runs after the 'message' listeners, so the mark covers what this message yielded.
    if (this.options.ackGate) client.handleMessage = (packet, done) => this.holdAck(client, packet, done);
    client.on('error', (err) => {
      this.error = err.message;
    });
    client.on('close', () => {
      if (client !== this.client) return;
      this.client = null;
      this.coalesce(null);
      client.end(true);
      if (!this.running) return;
      this.setState('reconnecting');
      this.scheduleRetry();
    });
  }

  private clientOptions(): IClientOptions {
    const { broker } = this.options;
    return {
      // mqtt.js passes every packet through several `debug` calls even when debug output is off: a few
      // per cent of the main thread at high rates. DEBUG=mqttjs* still gets them.
      ...(process.env['DEBUG'] === undefined && { log: noop }),
      reconnectPeriod: 0,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      // With a fixed client id the broker keeps our session while we are away and redelivers the
      // QoS 1 messages it queued; a random id would leave an orphan session behind, so stays clean.
      clean: broker.clientId === undefined,
      resubscribe: false,
      ...(broker.clientId !== undefined && { clientId: broker.clientId }),
      ...brokerClientOptions(broker, this.options.readFile),
    };
  }

  private subscribe(client: MqttClient): void {
    const qos = this.options.qos ?? 1;
    client.subscribe(this.options.broker.topics, { qos }, (err, granted) => {
      if (client !== this.client) return;
      if (err) this.error = `subscribe failed: ${err.message}`;
      const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
      if (refused.length > 0) this.error = `broker refused subscription to ${refused.join(', ')}`;
      // 'connected' means data can flow, so it waits for the SUBACK; a refusal shows in lastError
      this.setState('connected');
    });
  }

  private holdAck(client: MqttClient, packet: IPublishPacket, done: (error?: Error) => void): void {
    const gate = this.options.ackGate!;
    const messageId = packet.messageId;
    if (packet.qos !== 1 || messageId === undefined) return done();
    gate.whenStored(gate.mark(), () => {
      // A PUBACK belongs to the connection its PUBLISH came on; after a reconnect the broker redelivers instead.
      if (client === this.client && client.connected) (client as unknown as { _sendPacket(packet: object, cb: () => void): void })._sendPacket({ cmd: 'puback', messageId }, noop);
    });
    done(ACK_HELD);
  }

  /** Coalesces reads on the current connection's stream, leaving the previous one flowing; null for none. */
  private coalesce(stream: Partial<PausableStream> | null): void {
    this.coalescer?.stop();
    this.coalescer = stream?.pause && stream.resume ? new ReadCoalescer(stream as PausableStream, { windowMs: this.options.ingest.readCoalesceMs ?? 0 }) : null;
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running) this.connect();
    }, this.backoff.next());
  }

  private performPublish(action: PublishAction): void {
    // a rebirth request that cannot go out now is asked again: the node stays unborn or gapped
    if (!this.client?.connected) return;
    this.client.publish(action.topic, Buffer.from(action.payload), { qos: action.qos, retain: action.retain }, (err) => {
      if (err) this.error = `publish to ${action.topic} failed: ${err.message}`;
    });
  }

  private setState(state: BrokerState): void {
    if (state === this.stateNow) return;
    this.stateNow = state;
    this.stateListeners.emit(state);
  }

  /** A listener that threw shows in lastError too. */
  protected override listenerFailed(err: unknown): void {
    super.listenerFailed(err);
    this.error = this.lastListenerError;
  }
}
