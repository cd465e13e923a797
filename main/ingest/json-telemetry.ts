/**
 * Decoder for the plain JSON wire format:
 *   factory/<site>/<area>/<machine>/telemetry  {"ts": <epoch ms | ISO-8601>, "metrics": {"<name>": <number>, ...}}
 *   factory/<site>/<area>/<machine>/meta       {"type": "<machine type>", "name"?: "<display name>", ...}
 *
 * Telemetry is the hot path (tens of thousands of messages a second), so it is checked by hand
 * and the parsed metrics object is handed on as is, without a copy. Meta is rare and goes
 * through zod.
 *
 * Non-finite values: JSON has no NaN literal, but 1e999 parses to Infinity and devices send the
 * strings "NaN" / "Infinity" for a failed sensor. Either rejects the whole message as non_finite:
 * a reading is all of a device's values at one instant, and passing on the rest would hide that
 * the sensor failed. Booleans are accepted as 0 / 1.
 */
import { z } from 'zod';
import type { Reading } from '../../common/telemetry';
import { MAX_METRIC_NAME, MAX_METRICS, type MachineMeta, type Rejection } from './decoded';
import { engFromJsonMeta } from './eng-info';
import { implausibleEventTime, parseIsoTimestamp } from './event-time';
import type { EventMs, WallMs } from '../../common/time';

/** Longest machine id we accept; matches the history request limit of the contract. */
export const MAX_MACHINE_ID = 256;

const PREFIX = 'factory/';
const TELEMETRY_SUFFIX = '/telemetry';
const META_SUFFIX = '/meta';

export type TelemetryResult = { ok: true; reading: Reading } | ({ ok: false } & Rejection);
export type MetaResult = { ok: true; meta: MachineMeta } | ({ ok: false } & Rejection);

const reject = (reason: Rejection['reason'], detail: string): { ok: false } & Rejection => ({ ok: false, reason, detail });

/** `<site>/<area>/<machine>` when the topic has exactly that shape around prefix and suffix, else null. */
function parseMachineId(topic: string, suffix: string): string | null {
  if (!topic.startsWith(PREFIX) || !topic.endsWith(suffix)) return null;
  const start = PREFIX.length;
  const end = topic.length - suffix.length;
  if (end - start > MAX_MACHINE_ID) return null;
  const first = topic.indexOf('/', start);
  const second = first < 0 ? -1 : topic.indexOf('/', first + 1);
  // exactly two separators inside, and no segment empty
  if (first <= start || second <= first + 1 || second >= end - 1 || topic.indexOf('/', second + 1) < end) return null;
  return topic.slice(start, end);
}

/** Telemetry topics seen lately; bounded, since topics come from the network. */
const MAX_KNOWN_TOPICS = 65_536;
const knownTopics = new Map<string, string>();

/**
 * parseMachineId for telemetry, giving the same string object for every message of a machine. Each
 * message's topic is a new string, and an id sliced from it would be compared character by character
 * in each of the pipeline's per-machine lookups and would keep that topic alive while the reading
 * waits to be stored.
 */
function telemetryMachineId(topic: string): string | null {
  const known = knownTopics.get(topic);
  if (known !== undefined) return known;
  const parsed = parseMachineId(topic, TELEMETRY_SUFFIX);
  if (parsed === null) return null;
  if (knownTopics.size >= MAX_KNOWN_TOPICS) knownTopics.clear();
  knownTopics.set(topic, parsed);
  return parsed;
}

export const isJsonTelemetryTopic = (topic: string) => topic.startsWith(PREFIX) && topic.endsWith(TELEMETRY_SUFFIX);
export const isJsonMetaTopic = (topic: string) => topic.startsWith(PREFIX) && topic.endsWith(META_SUFFIX);

function eventTime(ts: unknown, wallNow: WallMs): EventMs | string {
  let value: EventMs;
  if (typeof ts === 'number') value = ts;
  else if (typeof ts === 'string') {
    value = parseIsoTimestamp(ts);
    if (Number.isNaN(value)) return `ts "${ts.slice(0, 40)}" is not ISO-8601 with a zone`;
  } else return ts === undefined ? 'ts is missing' : `ts is ${typeof ts}`;
  return implausibleEventTime(value, wallNow) ?? value;
}

const NON_FINITE_TEXT = new Set(['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '-inf', 'Inf', '-Inf']);

/**
 * Checks metric names and values in place; booleans become 0 / 1 on the parsed object itself,
 * which nobody else holds. Returns null when all is well.
 */
function checkMetrics(metrics: Record<string, unknown>): Rejection | null {
  let count = 0;
  for (const name in metrics) {
    if (++count > MAX_METRICS) return { reason: 'unknown_shape', detail: `more than ${MAX_METRICS} metrics` };
    if (name.length === 0 || name.length > MAX_METRIC_NAME) return { reason: 'unknown_shape', detail: `metric name length ${name.length} outside 1..${MAX_METRIC_NAME}` };
    // JSON.parse makes "__proto__" an own key; any consumer that copies with obj[k] = v would
    // then set a prototype instead.
    if (name === '__proto__') return { reason: 'unknown_shape', detail: 'metric name __proto__' };
    const value = metrics[name];
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { reason: 'non_finite', detail: `metric ${name.slice(0, 64)} is not finite` };
    } else if (typeof value === 'boolean') {
      metrics[name] = value ? 1 : 0;
    } else if (typeof value === 'string' && NON_FINITE_TEXT.has(value)) {
      return { reason: 'non_finite', detail: `metric ${name.slice(0, 64)} is "${value}"` };
    } else {
      return { reason: 'unknown_shape', detail: `metric ${name.slice(0, 64)} is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}` };
    }
  }
  return count === 0 ? { reason: 'unknown_shape', detail: 'metrics is empty' } : null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decodes one telemetry message. `receivedAt` is also what the future-skew check measures against. */
export function decodeJsonTelemetry(topic: string, payload: Uint8Array, receivedAt: WallMs, maxPayloadBytes: number): TelemetryResult {
  if (payload.byteLength > maxPayloadBytes) return reject('oversized', `${payload.byteLength} bytes > ${maxPayloadBytes}`);
  const machineId = telemetryMachineId(topic);
  if (machineId === null) return reject('unknown_topic', 'expected factory/<site>/<area>/<machine>/telemetry');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (err) {
    return reject('invalid_json', (err as Error).message);
  }
  if (!isObject(body)) return reject('unknown_shape', `payload is ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}, not an object`);
  const metrics = body.metrics;
  if (!isObject(metrics)) return reject('unknown_shape', 'metrics is not an object');
  const ts = eventTime(body.ts, receivedAt);
  if (typeof ts === 'string') return reject('bad_timestamp', ts);
  const problem = checkMetrics(metrics);
  if (problem) return { ok: false, ...problem };
  return { ok: true, reading: { machineId, ts, metrics: metrics as Record<string, number>, receivedAt } };
}

const Segment = z.string().min(1).max(128);
const Limit = z.number().finite().optional();
const LimitsSchema = z.record(z.string().min(1).max(MAX_METRIC_NAME), z.object({ lowLow: Limit, low: Limit, high: Limit, highHigh: Limit })).refine((l) => Object.keys(l).length <= MAX_METRICS, `at most ${MAX_METRICS} sensors`);
const JsonMetaSchema = z.looseObject({ type: Segment, name: z.string().min(1).max(256).optional(), limits: LimitsSchema.optional(), stateSignal: z.string().min(1).max(128).optional() });

/** Decodes a (usually retained) meta message. An empty payload clears a retained message and is not given here. */
export function decodeJsonMeta(topic: string, payload: Uint8Array, maxPayloadBytes: number): MetaResult {
  if (payload.byteLength > maxPayloadBytes) return reject('oversized', `${payload.byteLength} bytes > ${maxPayloadBytes}`);
  const id = parseMachineId(topic, META_SUFFIX);
  if (id === null) return reject('unknown_topic', 'expected factory/<site>/<area>/<machine>/meta');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (err) {
    return reject('invalid_json', (err as Error).message);
  }
  const parsed = JsonMetaSchema.safeParse(body);
  if (!parsed.success) return reject('unknown_shape', parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const [site = '', area = '', machine = ''] = id.split('/');
  const { limits, stateSignal } = parsed.data;
  const { eng, problems } = engFromJsonMeta(parsed.data);
  return {
    ok: true,
    meta: {
      id,
      site,
      area,
      name: parsed.data.name ?? machine,
      type: parsed.data.type,
      protocol: 'json',
      ...(limits ? { limits } : {}),
      ...(stateSignal ? { stateSignal } : {}),
      // a meta that says nothing about units keeps what the machine had; one that does replaces it whole
      ...('units' in parsed.data || 'ranges' in parsed.data || 'counters' in parsed.data ? { eng } : {}),
      ...(problems.length > 0 ? { engProblems: problems } : {}),
    },
  };
}
