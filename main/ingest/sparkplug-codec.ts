/** The Sparkplug B wire: the payload codec, topic names, Int64 fields, and the rebirth command. */
import sparkplug from 'sparkplug-payload';
import type { PublishAction } from './decoded';
import type { WallMs } from '../../common/time';

export const NAMESPACE = 'spBv1.0';
const codecOrNull = sparkplug.get(NAMESPACE);
if (!codecOrNull) throw new Error(`sparkplug-payload does not know ${NAMESPACE}`);
export const codec = codecOrNull;

export type Payload = ReturnType<typeof codec.decodePayload>;
export type Metric = NonNullable<Payload['metrics']>[number];

export type MessageType = 'NBIRTH' | 'NDEATH' | 'DBIRTH' | 'DDEATH' | 'NDATA' | 'DDATA';
const HANDLED = new Set<string>(['NBIRTH', 'NDEATH', 'DBIRTH', 'DDEATH', 'NDATA', 'DDATA']);
/** Commands (ours included, since we subscribe to spBv1.0/#) and host STATE carry no telemetry. */
const IGNORED = new Set<string>(['NCMD', 'DCMD', 'STATE']);

export interface ParsedTopic {
  group: string;
  type: MessageType;
  edge: string;
  device: string | null;
}

/** Parsed topic, 'ignore' for command and host-state topics, or null when not a Sparkplug B topic. */
export function parseSparkplugTopic(topic: string): ParsedTopic | 'ignore' | null {
  const parts = topic.split('/');
  if (parts[0] !== NAMESPACE) return null;
  // Sparkplug 3.0 host state: spBv1.0/STATE/<host id>
  if (parts[1] === 'STATE') return 'ignore';
  const [, group, type, edge, device] = parts;
  if (parts.length < 4 || parts.length > 5 || !group || !type || !edge || device === '') return null;
  if (IGNORED.has(type)) return 'ignore';
  if (!HANDLED.has(type)) return null;
  const isDeviceMessage = type[0] === 'D';
  if (isDeviceMessage !== (device !== undefined)) return null;
  return { group, type: type as MessageType, edge, device: device ?? null };
}

/** The NCMD that asks an edge node to resend its NBIRTH and DBIRTHs. */
export function rebirthRequest(group: string, edge: string, now: WallMs): PublishAction {
  const payload = codec.encodePayload({ timestamp: now, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] });
  return { topic: `${NAMESPACE}/${group}/NCMD/${edge}`, payload, qos: 0, retain: false };
}

interface LongLike {
  toNumber(): number;
}
export const isLong = (v: unknown): v is LongLike => typeof v === 'object' && v !== null && typeof (v as LongLike).toNumber === 'function';

/** Int64 fields arrive as Long objects; seq, bdSeq and timestamps fit a double exactly. */
export function toNumberOrNull(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (isLong(v)) return v.toNumber();
  return null;
}
