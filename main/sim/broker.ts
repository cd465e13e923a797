/**
 * The MQTT edge shared by the simulator and the CSV replay: one connection, and a publish that
 * pushes back (returns a promise) when the socket is full or the broker is away, so a fast producer
 * waits instead of queueing without bound in memory.
 */
import type { EventEmitter } from 'node:events';
import mqtt from 'mqtt';

export type Publish = (topic: string, payload: string, options: { retain: boolean }) => void | Promise<void>;

export interface BrokerOptions {
  brokerUrl: string;
  username?: string;
  password?: string;
  clientId?: string;
  /** Connection trouble after the first connect; mqtt.js keeps reconnecting meanwhile. */
  onError?: (error: Error) => void;
}

export interface BrokerLink {
  publish: Publish;
  close(): Promise<void>;
}

export async function connectBroker(options: BrokerOptions): Promise<BrokerLink> {
  const client = await mqtt.connectAsync(options.brokerUrl, {
    username: options.username,
    password: options.password,
    clientId: options.clientId,
    reconnectPeriod: 1000,
    // Telemetry is waited for (below), never parked in mqtt.js's unbounded offline queue.
    queueQoSZero: false,
  });
  let closed = false;
  // Without a listener an 'error' event would throw and take the process down.
  client.on('error', (error) => options.onError?.(error));
  const noDelay = () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  // Small QoS 0 messages would otherwise sit in Nagle's buffer and blur event-time spacing.
  noDelay();
  client.on('connect', noDelay);

  // One shared waiter per condition: a tick publishes hundreds of messages into one full buffer.
  let waiting: Promise<void> | undefined;
  // Typed loosely on purpose: the wait is the same for a client event and a socket event.
  const clientEvents = client as unknown as EventEmitter;
  const whenEither = (a: EventEmitter, eventA: string, eventB: string) =>
    new Promise<void>((resolve) => {
      const done = () => {
        a.off(eventA, done);
        clientEvents.off(eventB, done);
        waiting = undefined;
        resolve();
      };
      a.once(eventA, done);
      clientEvents.once(eventB, done);
    });
  const ready = (): Promise<void> | undefined => {
    if (closed) return undefined;
    if (waiting) return waiting;
    if (!client.connected) waiting = whenEither(clientEvents, 'connect', 'end');
    else if (client.stream.writableNeedDrain) waiting = whenEither(client.stream, 'drain', 'close');
    return waiting;
  };

  const publish: Publish = (topic, payload, { retain }) => {
    if (closed) return undefined;
    const wait = ready();
    if (wait) return wait.then(() => publish(topic, payload, { retain }));
    // Retained meta goes at QoS 1: it is sent once per machine and must arrive, and aedes 1.2 does
    // not forward a retained QoS 0 message to clients already subscribed (only to later ones).
    client.publish(topic, payload, { qos: retain ? 1 : 0, retain });
    return ready();
  };

  return {
    publish,
    close: () => {
      closed = true;
      return client.endAsync();
    },
  };
}
