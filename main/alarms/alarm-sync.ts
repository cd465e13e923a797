/**
 * Several consoles, one truth: operator actions (ack with note, shelve, unshelve, out of service,
 * return to service) travel between consoles on the plant's broker.
 *
 *   factorybrain/<site>/alarms/<alarm id, URI-encoded>/state   QoS 1, retained
 *     {"v":2,"action":"<JSON of {eventId, alarmId, kind, console, username, at, occurrence, note?, reason?, until?, point}>",
 *      "sig":"<HMAC-SHA256 of topic + newline + action, hex>"}
 *
 * Whoever can publish on the broker is not thereby an operator: an action counts only when it is
 * signed with the site key (held by the site's consoles, never sent over the broker), names a user
 * this console knows whose role allows the action, is not dated beyond this console's clock and
 * shelves no longer than allowed. The signature covers the topic, so a signed action cannot be
 * moved to another alarm or site.
 *
 * One retained topic per alarm is both the live stream (every publish reaches every subscriber)
 * and the state a console that starts later, or restarts, reads on subscribing. Applying is
 * idempotent by event id (the journal's unique key), so the echo of our own publish, a redelivery
 * and the retained copy after a restart all land once. Raise and clear are not shared: every
 * console evaluates the same readings in event time and reaches the same alarms by itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { z } from 'zod';
import { AlarmPrioritySchema, AlarmSourceSchema, LimitLevelSchema } from '../../common/contract-alarms';
import { roleAllows, type Permission, type Role } from '../../common/roles';
import { brokerClientOptions } from '../broker-options';
import type { AppConfig } from '../config';
import type { OperatorAction } from './remote-merge';

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
const MessageSchema = z.object({ v: z.literal(2), action: z.string().max(MAX_PAYLOAD), sig: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

export interface AlarmSyncTarget {
  applyRemote(action: OperatorAction): boolean;
  /** Why the action cannot be taken here (its time, its shelf), or null. */
  checkRemote(action: OperatorAction): string | null;
  onAction(listener: (action: OperatorAction) => void): () => void;
}

export interface AlarmSyncOptions {
  broker: Pick<AppConfig['broker'], 'username' | 'password' | 'tls'> & { url: string };
  site: string;
  alarms: AlarmSyncTarget;
  /** The site key (sync-key.ts): signs what this console sends, checks what it receives. */
  key: Buffer;
  /** Why the named user may not take this action on this console (unknown, disabled, role too low), or null. */
  authorize(action: OperatorAction): string | null;
  log(message: string): void;
}

export const signAction = (key: Buffer, topic: string, action: string) => createHmac('sha256', key).update(topic).update('\n').update(action).digest('hex');

/** The wire form of one action, signed. */
export function encodeAction(key: Buffer, site: string, action: OperatorAction): { topic: string; payload: string } {
  const topic = alarmStateTopic(site, action.alarmId);
  const body = JSON.stringify(action);
  return { topic, payload: JSON.stringify({ v: 2, action: body, sig: signAction(key, topic, body) }) };
}

/** The permission each action needs, as in the contract: the same role check as on this console's own screen. */
const PERMISSION = { ack: 'operate', shelve: 'supervise', unshelve: 'supervise', 'remove-from-service': 'supervise', 'return-to-service': 'supervise' } as const satisfies Record<OperatorAction['kind'], Permission>;

/** authorize for AlarmSync: the claimed user must be an enabled account here whose role allows the action. */
export function authorizeByLocalUsers(find: (username: string) => { role: Role; disabled: boolean } | null) {
  return (action: OperatorAction): string | null => {
    const user = find(action.username);
    if (!user) return `user ${action.username} unknown here`;
    if (user.disabled) return `user ${action.username} disabled`;
    return roleAllows(user.role, PERMISSION[action.kind]) ? null : `role ${user.role} may not ${action.kind}`;
  };
}

export class AlarmSync {
  private readonly client: MqttClient;
  private readonly off: () => void;
  private connectedNow = false;
  /** Messages that could not be used, so that a misbehaving console shows up in the log once, not per message. */
  rejected = 0;
  /** The same, by reason: 'format', 'signature', 'topic', 'user', 'bounds'. */
  readonly rejectedBy: Record<string, number> = {};

  constructor(private readonly options: AlarmSyncOptions) {
    const { broker } = options;
    const clientOptions: IClientOptions = { reconnectPeriod: 2_000, connectTimeout: 10_000, ...brokerClientOptions(broker) };
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
    const { topic, payload } = encodeAction(this.options.key, this.options.site, action);
    this.client.publish(topic, payload, { qos: 1, retain: true }, (err) => {
      if (err) this.options.log(`alarm sync: ${action.kind} of ${action.alarmId} not published: ${err.message}`);
    });
  }

  private receive(topic: string, payload: Buffer): void {
    // An empty retained message is how an operator clears a topic on the broker, not an action.
    if (payload.length === 0) return;
    let reason: [string, string] | null;
    try {
      reason = this.check(topic, payload);
    } catch (err) {
      reason = ['format', (err as Error).message];
    }
    if (reason === null) return;
    const [kind, why] = reason;
    this.rejectedBy[kind] = (this.rejectedBy[kind] ?? 0) + 1;
    if (this.rejected++ === 0 || this.rejected % 1000 === 0) this.options.log(`alarm sync: ignored ${topic.slice(0, 200)}: ${why} (${this.rejected} so far)`);
  }

  /** Applies a sound action; returns [kind, reason] for one that is not. */
  private check(topic: string, payload: Buffer): [string, string] | null {
    if (payload.length > MAX_PAYLOAD) return ['format', `${payload.length} bytes`];
    const parsed = MessageSchema.safeParse(JSON.parse(payload.toString('utf8')));
    if (!parsed.success) return ['format', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')];
    const expected = Buffer.from(signAction(this.options.key, topic, parsed.data.action), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(parsed.data.sig, 'hex'))) return ['signature', 'not signed with this site key'];
    const inner = OperatorActionSchema.safeParse(JSON.parse(parsed.data.action));
    if (!inner.success) return ['format', inner.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')];
    const action = inner.data;
    if (alarmStateTopic(this.options.site, action.alarmId) !== topic) return ['topic', 'alarm id does not match the topic'];
    const user = this.options.authorize(action);
    if (user !== null) return ['user', user];
    const bounds = this.options.alarms.checkRemote(action);
    if (bounds !== null) return ['bounds', bounds];
    this.options.alarms.applyRemote(action);
    return null;
  }
}
