/** What one Sparkplug message yields: readings from its metrics, units from a birth, and its problems. */
import type { Reading } from '../../common/telemetry';
import { MAX_METRIC_NAME, type MachineMeta, type PublishAction, type Rejection } from './decoded';
import { engFromSparkplugProperties } from './eng-info';
import { implausibleEventTime } from './event-time';
import { isLong, toNumberOrNull, type Metric, type Payload } from './sparkplug-codec';
import type { EventMs, WallMs } from '../../common/time';

export interface SparkplugOutput {
  readings: Reading[];
  /** Machines described by a BIRTH in this message. */
  metas: MachineMeta[];
  /** Machine ids a DEATH took offline. */
  offline: string[];
  /** Problems; the message may still have yielded readings (sparkplug.ts says when). */
  rejections: Rejection[];
  publish: PublishAction[];
}

export const emptyOutput = (): SparkplugOutput => ({ readings: [], metas: [], offline: [], rejections: [], publish: [] });

export function note(out: SparkplugOutput, reason: Rejection['reason'], detail: string): void {
  // one entry per reason per message: a 500-metric payload full of NaN is one problem, not 500
  if (!out.rejections.some((r) => r.reason === reason)) out.rejections.push({ reason, detail });
}

/** Protocol bookkeeping metrics, not measurements. */
const isControlMetric = (name: string) => name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Device Control/');

/**
 * Numeric metrics of a payload, grouped into one reading per distinct event time. A metric whose
 * alias no BIRTH declared is noted and reported to `unknownAlias` (the decoder asks for a rebirth).
 */
export function collectReadings(machineId: string, aliases: Map<number, string>, payload: Payload, now: WallMs, out: SparkplugOutput, unknownAlias: () => void): void {
  const payloadTs = toNumberOrNull(payload.timestamp);
  const byTs = new Map<EventMs, Record<string, number>>();
  for (const metric of payload.metrics ?? []) {
    const name = metricName(metric, aliases);
    if (name === null) {
      note(out, 'sparkplug_unborn', `alias ${toNumberOrNull(metric.alias)} on ${machineId} was not declared in a BIRTH`);
      unknownAlias();
      continue;
    }
    if (isControlMetric(name) || metric.isNull) continue;
    if (name.length > MAX_METRIC_NAME || name === '__proto__') {
      note(out, 'unknown_shape', `metric name ${name.slice(0, 64)} on ${machineId} is not usable`);
      continue;
    }
    const value = metricValue(metric.value);
    if (value === undefined) continue;
    if (!Number.isFinite(value)) {
      note(out, 'non_finite', `metric ${name.slice(0, 64)} on ${machineId} is ${value}`);
      continue;
    }
    const ts: EventMs | null = toNumberOrNull(metric.timestamp) ?? payloadTs;
    if (ts === null) {
      note(out, 'bad_timestamp', `metric ${name.slice(0, 64)} on ${machineId} has no timestamp and neither has the payload`);
      continue;
    }
    const implausible = implausibleEventTime(ts, now);
    if (implausible) {
      note(out, 'bad_timestamp', `${machineId}: ${implausible}`);
      continue;
    }
    let metrics = byTs.get(ts);
    if (!metrics) byTs.set(ts, (metrics = {}));
    metrics[name] = value;
  }
  for (const [ts, metrics] of byTs) out.readings.push({ machineId, ts, metrics, receivedAt: now });
}

function metricName(metric: Metric, aliases: Map<number, string>): string | null {
  if (metric.name) return metric.name;
  const alias = toNumberOrNull(metric.alias);
  return alias === null ? null : (aliases.get(alias) ?? null);
}

/** A number for numeric and boolean metrics; undefined for those that are not measurements (strings, bytes, datasets). */
function metricValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (isLong(value)) return value.toNumber();
  return undefined;
}

/** Units and engineering ranges from a birth's metric properties (engUnit, engLow, engHigh). */
export function birthEng(payload: Payload): Pick<MachineMeta, 'eng' | 'engProblems'> {
  const eng: NonNullable<MachineMeta['eng']> = {};
  const problems: string[] = [];
  for (const metric of payload.metrics ?? []) {
    if (!metric.name || metric.name.length > MAX_METRIC_NAME) continue;
    const found = engFromSparkplugProperties(metric.name, metric.properties as Parameters<typeof engFromSparkplugProperties>[1], problems);
    if (found) eng[metric.name] = found;
  }
  // a birth that gives no engineering properties keeps what the machine had (as a JSON meta without units does)
  return { ...(Object.keys(eng).length > 0 ? { eng } : {}), ...(problems.length > 0 ? { engProblems: problems } : {}) };
}
