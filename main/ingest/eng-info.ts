/**
 * Engineering units and ranges as devices publish them: the JSON meta message's `units`, `ranges`
 * and `counters`, and Sparkplug metric properties (`engUnit`, `engLow`, `engHigh`). Each entry is
 * checked on its own: a bad one is named in a problem and left out, and the rest still applies, so
 * one wrong unit costs that unit and nothing else.
 *
 *   "units":    {"temperature": "°C"}
 *   "ranges":   {"temperature": {"normal": [40, 80], "display": [0, 120]}}   ([40, 80] or {"low": 40, "high": 80} alone: the normal range)
 *   "counters": ["parts_total"]
 */
import type { Range, SensorEng } from '../../common/telemetry';
import { MAX_METRIC_NAME, MAX_METRICS } from './decoded';

export const MAX_UNIT = 32;

export interface EngResult {
  eng: Record<string, SensorEng>;
  /** One line per entry left out, for the quarantine's detail. */
  problems: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const label = (name: string) => JSON.stringify(name.slice(0, 64));

/** A unit is short plain text: markup or control characters would end up in screens, files and speech. */
export function checkUnit(unit: unknown): string | { problem: string } {
  if (typeof unit !== 'string') return { problem: 'is not a string' };
  const text = unit.trim();
  if (text.length === 0) return { problem: 'is empty' };
  if (text.length > MAX_UNIT) return { problem: `is longer than ${MAX_UNIT} characters` };
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[<>&"`\u0000-\u001f\u007f]/.test(text)) return { problem: 'contains markup or control characters' };
  return text;
}

/** [low, high] or {low, high}, finite, low < high. */
export function checkRange(value: unknown): Range | { problem: string } {
  const pair = Array.isArray(value) ? { low: value[0], high: value[1], n: value.length } : isObject(value) ? { low: value.low, high: value.high, n: 2 } : null;
  if (!pair || pair.n !== 2) return { problem: 'is not [low, high] or {"low", "high"}' };
  const { low, high } = pair;
  if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high)) return { problem: 'has a bound that is not a finite number' };
  if (!(low < high)) return { problem: `has low ${low} not below high ${high}` };
  return { low, high };
}

const validName = (name: string) => name.length > 0 && name.length <= MAX_METRIC_NAME;

/** Reads `units`, `ranges` and `counters` from a JSON meta body; a field that is absent adds nothing. */
export function engFromJsonMeta(body: Record<string, unknown>): EngResult {
  const eng: Record<string, SensorEng> = {};
  const problems: string[] = [];
  const entry = (name: string) => (eng[name] ??= {});
  const entries = (field: string): [string, unknown][] => {
    const value = body[field];
    if (value === undefined) return [];
    if (!isObject(value)) {
      problems.push(`${field} is not an object of metric names`);
      return [];
    }
    const list = Object.entries(value);
    if (list.length > MAX_METRICS) {
      problems.push(`${field} names ${list.length} metrics, more than ${MAX_METRICS}`);
      return [];
    }
    return list.filter(([name]) => {
      if (validName(name)) return true;
      problems.push(`${field}: a metric name is empty or longer than ${MAX_METRIC_NAME} characters`);
      return false;
    });
  };

  for (const [name, unit] of entries('units')) {
    const checked = checkUnit(unit);
    if (typeof checked === 'string') entry(name).unit = checked;
    else problems.push(`units.${label(name)} ${checked.problem}`);
  }
  for (const [name, spec] of entries('ranges')) {
    if (!isObject(spec) && !Array.isArray(spec)) {
      problems.push(`ranges.${label(name)} is not an object or [low, high]`);
      continue;
    }
    // [low, high] or {"low", "high"} alone is the normal range
    const kinds: [keyof Pick<SensorEng, 'normal' | 'display'>, unknown][] =
      Array.isArray(spec) || (spec.normal === undefined && spec.display === undefined) ? [['normal', spec]] : [['normal', spec.normal], ['display', spec.display]];
    for (const [kind, value] of kinds) {
      if (value === undefined) continue;
      const checked = checkRange(value);
      if ('problem' in checked) problems.push(`ranges.${label(name)}${kind === 'normal' && kinds.length === 1 ? '' : `.${kind}`} ${checked.problem}`);
      else entry(name)[kind] = checked;
    }
  }
  const counters = body.counters;
  if (counters !== undefined) {
    if (!Array.isArray(counters) || counters.length > MAX_METRICS) problems.push(`counters is not a list of at most ${MAX_METRICS} metric names`);
    else
      for (const name of counters) {
        if (typeof name === 'string' && validName(name)) entry(name).counter = true;
        else problems.push('counters: an entry is not a metric name');
      }
  }
  return { eng, problems };
}

type PropertyValue = { value?: unknown } | undefined;
const numberOf = (v: unknown): number | null => {
  if (typeof v === 'number') return v;
  // Sparkplug Int64 values decode as `long` objects
  if (isObject(v) && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber: () => number }).toNumber();
  return null;
};

/** engUnit / engLow / engHigh of one Sparkplug metric; engLow..engHigh is its engineering (display) range. */
export function engFromSparkplugProperties(name: string, properties: Record<string, PropertyValue> | null | undefined, problems: string[]): SensorEng | null {
  if (!properties) return null;
  const out: SensorEng = {};
  const unit = properties.engUnit?.value;
  if (unit !== undefined && unit !== null) {
    const checked = checkUnit(unit);
    if (typeof checked === 'string') out.unit = checked;
    else problems.push(`${label(name)} engUnit ${checked.problem}`);
  }
  const low = properties.engLow?.value;
  const high = properties.engHigh?.value;
  if (low !== undefined || high !== undefined) {
    const checked = checkRange([numberOf(low), numberOf(high)]);
    if ('problem' in checked) problems.push(`${label(name)} engLow/engHigh ${checked.problem}`);
    else out.display = checked;
  }
  return Object.keys(out).length > 0 ? out : null;
}

export { mergeEng } from '../../common/eng';
