/**
 * Several consoles, one truth: operator actions (ack with note, shelve, unshelve, out of service,
 * return to service) travel between consoles on the plant's broker.
 *
 *   factorybrain/<site>/alarms/<alarm id, URI-encoded>/state   QoS 1, retained
 *     {"v":1,"action":{eventId, alarmId, kind, console, username, at, occurrence, note?, reason?, until?, point}}
 *
 * One retained topic per alarm is both the live stream (every publish reaches every subscriber)
 * and the state a console that starts later, or restarts, reads on subscribing. Applying is
 * idempotent by event id (the journal's unique key), so the echo of our own publish, a redelivery
 * and the retained copy after a restart all land once. Raise and clear are not shared: every
 * console evaluates the same readings in event time and reaches the same alarms by itself.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { z } from 'zod';
import { AlarmPrioritySchema, AlarmSourceSchema, LimitLevelSchema } from '../../common/contract-alarms';
import type { AppConfig } from '../config';
import type { OperatorAction } from './alarm-service';

export const alarmStateTopic = (site: string, alarmId: string) => `factorybrain/${site}/alarms/${encodeURIComponent(alarmId)}/state`;
const subscription = (site: string) => `factorybrain/${site}/alarms/+/state`;

const MAX_PAYLOAD = 16 * 1024;
const Text = z.string().max(1000);
const OperatorActionSchema = z.object({
  eventId: z.string().min(1).max(128),
  alarmId: z.string().min(1).max(512),
  kind: z.enum(['ack', 'shelve', 'unshelve', 'remove-from-service', 'return-to-service']),
  console: z.string().min(1).max(256),
  username: z.string().min(1).max(64),
  at: z.number().finite(),
  occurrence: z.number().finite().nullable(),
  note: Text.optional(),
  reason: Text.optional(),
  until: z.number().finite().optional(),
  point: z.object({
    id: z.string().min(1).max(512),
    machineId: z.string().max(256),
    source: AlarmSourceSchema,
    sensor: z.string().max(128).nullable(),
    level: LimitLevelSchema.nullable(),
    priority: AlarmPrioritySchema,
    message: Text,
    latching: z.boolean(),
  }),
});
const MessageSchema = z.object({ v: z.literal(1), action: OperatorActionSchema });

export interface AlarmSyncTarget {
  applyRemote(action: OperatorAction): boolean;
  onAction(listener: (action: OperatorAction) => void): () => void;
}

export interface AlarmSyncOptions {
  broker: Pick<AppConfig['broker'], 'username' | 'password' | 'tls'> & { url: string };
  site: string;
  alarms: AlarmSyncTarget;
  log(message: string): void;
}

export class AlarmSync {
  private readonly client: MqttClient;
  private readonly off: () => void;
  private connectedNow = false;
  /** Messages that could not be used, so that a misbehaving console shows up in the log once, not per message. */
  rejected = 0;

  constructor(private readonly options: AlarmSyncOptions) {
    const { broker } = options;
    const tls = broker.tls;
    const clientOptions: IClientOptions = {
      reconnectPeriod: 2_000,
      connectTimeout: 10_000,
      ...(broker.username !== undefined && { username: broker.username }),
      ...(broker.password !== undefined && { password: broker.password }),
      ...(tls && {
        rejectUnauthorized: tls.rejectUnauthorized,
        ...(tls.caFile && { ca: readFileSync(tls.caFile) }),
        ...(tls.certFile && { cert: readFileSync(tls.certFile) }),
        ...(tls.keyFile && { key: readFileSync(tls.keyFile) }),
      }),
    };
    this.client = mqtt.connect(broker.url, clientOptions);
    this.client.on('connect', () => {
      this.connectedNow = true;
      // An ack must reach the other consoles within a second; Nagle alone can cost tens of ms.
      (this.client.stream as Partial<Socket>).setNoDelay?.(true);
      this.client.subscribe(subscription(options.site), { qos: 1 }, (err) => err && options.log(`alarm sync: subscribe failed: ${err.message}`));
    });
    this.client.on('close', () => (this.connectedNow = false));
    this.client.on('error', (err) => options.log(`alarm sync: ${err.message}`));
    this.client.on('message', (topic, payload) => this.receive(topic, payload));
    // mqtt.js queues QoS 1 publishes while disconnected and sends them on reconnect.
    this.off = options.alarms.onAction((action) => this.publish(action));
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  async stop(): Promise<void> {
    this.off();
    await this.client.endAsync();
  }

  private publish(action: OperatorAction): void {
    const payload = JSON.stringify({ v: 1, action });
    this.client.publish(alarmStateTopic(this.options.site, action.alarmId), payload, { qos: 1, retain: true }, (err) => {
      if (err) this.options.log(`alarm sync: ${action.kind} of ${action.alarmId} not published: ${err.message}`);
    });
  }

  private receive(topic: string, payload: Buffer): void {
    // An empty retained message is how an operator clears a topic on the broker, not an action.
    if (payload.length === 0) return;
    try {
      if (payload.length > MAX_PAYLOAD) throw new Error(`${payload.length} bytes`);
      const parsed = MessageSchema.safeParse(JSON.parse(payload.toString('utf8')));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const action = parsed.data.action;
      if (alarmStateTopic(this.options.site, action.alarmId) !== topic) throw new Error('alarm id does not match the topic');
      this.options.alarms.applyRemote(action);
    } catch (err) {
      if (this.rejected++ === 0 || this.rejected % 1000 === 0) this.options.log(`alarm sync: ignored ${topic}: ${(err as Error).message} (${this.rejected} so far)`);
    }
  }
}
