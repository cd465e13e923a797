/**
 * A small synthetic machine for the condition monitor's tests: a state cycle (off, idle, running at
 * two loads), power and vibration that follow the load at once, a temperature that follows it through
 * a 10-minute lag, and a pressure; faults are added by the caller.
 */
import type { Reading } from '../../../common/telemetry';
import { ConditionParamsSchema, type ConditionParams } from './condition-params';

export const T0 = Date.parse('2024-03-04T00:00:00Z');
export const STEP_MS = 5_000;

/** Short learning so tests run in seconds; the rest as shipped in spirit. */
export const TEST_PARAMS: ConditionParams = ConditionParamsSchema.parse({
  steadyAfterMinutes: 60,
  rowEveryMs: 5_000,
  lagMinutes: [3, 6, 12, 24, 48, 96],
  loadSmoothingS: 15,
  learnHours: 3,
  minRunningHours: 1,
  validateHours: 2,
  bandReadyHours: 0.2,
  refitHours: 2,
  forgetPerRefit: 0.85,
  fastTauS: 60,
  slowTauS: 1200,
  thresholdMargin: 2,
  fastFloor: 3,
  slowFloor: 1.5,
  thermalMinDeviation: 5,
  vibrationMinShare: 0.1,
  raiseS: 60,
  clearS: 600,
  release: 0.6,
  settleS: 300,
  healthTauS: 600,
  thermalHealthTauS: 180,
  trendHours: 12,
  horizonHours: 24,
  trendMinT: 4,
  trendMinMinutes: 20,
  silencePeriods: 6,
  silenceMinS: 30,
  stuckMinS: 600,
  stuckRunFactor: 3,
});

/** Deterministic noise. */
export function noise(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  return () => {
    const u = Math.max(next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
}

/** Load of the cycle at t: 40 min running full, 30 min running half, 10 min idle, 20 min off; repeating. */
export function loadAt(ts: number): { mode: 'off' | 'idle' | 'running'; load: number } {
  const m = ((ts - T0) / 60_000) % 100;
  if (m < 40) return { mode: 'running', load: 1 };
  if (m < 70) return { mode: 'running', load: 0.5 };
  if (m < 80) return { mode: 'idle', load: 0 };
  return { mode: 'off', load: 0 };
}

export interface Effects {
  /** Multiplies vibration. */
  vibration?: (ts: number) => number;
  /** Adds to temperature (K). */
  heat?: (ts: number) => number;
  /** Multiplies pressure. */
  pressure?: (ts: number) => number;
  /** Multiplies power while the machine is on. */
  power?: (ts: number) => number;
}

/** Readings of one machine from `from` for `hours`, every STEP_MS. */
export function* machineReadings(machineId: string, from: number, hours: number, effects: Effects = {}, seed = 1): Generator<Reading> {
  const n = noise(seed);
  let temperature = 20;
  const end = from + hours * 3_600_000;
  for (let ts = from; ts < end; ts += STEP_MS) {
    const { mode, load } = loadAt(ts);
    const on = mode !== 'off';
    const power = on ? (2 + 18 * load) * (effects.power?.(ts) ?? 1) + 0.2 * n() : 0.05 + 0.01 * Math.abs(n());
    const target = 20 + (on ? 10 + 30 * load : 0) + (mode === 'running' ? (effects.heat?.(ts) ?? 0) : 0);
    temperature += (target - temperature) * (1 - Math.exp(-STEP_MS / 600_000));
    const vibration = mode === 'running' ? (0.5 + 2 * load) * (effects.vibration?.(ts) ?? 1) + 0.05 * n() : 0.3 + 0.03 * n();
    const pressure = on ? (6 - 0.3 * load) * (effects.pressure?.(ts) ?? 1) + 0.03 * n() : 0.2 + 0.01 * n();
    yield { machineId, ts, receivedAt: ts, metrics: { power, temperature: temperature + 0.2 * n(), vibration, pressure } };
  }
}
