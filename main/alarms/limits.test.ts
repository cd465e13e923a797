import { describe, expect, it } from 'vitest';
import type { LimitSetting } from '../../common/contract-alarms';
import { defaultLimits, effectiveLimits, LimitEvaluator, limitAlarmId } from './limits';

const M = 'plant/hall/pump1';
const high = (over: Partial<LimitSetting> = {}): LimitSetting => ({
  sensor: 'temperature',
  level: 'H',
  setpoint: 70,
  deadband: 2,
  onDelayMs: 0,
  offDelayMs: 0,
  reAlarmMs: 0,
  priority: 'medium',
  latching: false,
  enabled: true,
  ...over,
});
const reading = (ts: number, temperature: number) => ({ machineId: M, ts, metrics: { temperature }, receivedAt: 0 });

/** Feeds (ts, value) pairs and returns the changes as `change@ts`. */
function feed(evaluator: LimitEvaluator, limits: LimitSetting[], points: [number, number][]): string[] {
  return points.flatMap(([ts, v]) => evaluator.evaluate(reading(ts, v), limits).map((c) => `${c.change}@${c.at}`));
}

describe('defaultLimits and effectiveLimits', () => {
  it('turns the meta limits into one row per level with EEMUA-style defaults', () => {
    const rows = defaultLimits({ temperature: { high: 62, highHigh: 72 }, pressure: { low: 5, lowLow: 4.5 } });
    expect(rows.map((r) => `${r.sensor}:${r.level}:${r.setpoint}:${r.priority}`)).toEqual([
      'temperature:HH:72:high',
      'temperature:H:62:medium',
      'pressure:L:5:medium',
      'pressure:LL:4.5:high',
    ]);
    expect(rows[1]).toMatchObject({ deadband: 62 * 0.02, onDelayMs: 3000, offDelayMs: 5000, reAlarmMs: 0, enabled: true, latching: false });
  });

  it('lets an engineer row replace exactly one default row', () => {
    const defaults = defaultLimits({ temperature: { high: 62, highHigh: 72 } });
    const rows = effectiveLimits(defaults, [{ ...high({ setpoint: 65 }), updatedBy: 'eng', updatedAt: 5 }]);
    expect(rows.map((r) => `${r.level}:${r.setpoint}:${r.origin}`)).toEqual(['HH:72:default', 'H:65:engineer']);
    expect(rows[1]).toMatchObject({ updatedBy: 'eng', updatedAt: 5 });
  });
});

describe('LimitEvaluator', () => {
  it('activates above a high limit and clears only below setpoint minus deadband', () => {
    const e = new LimitEvaluator();
    expect(feed(e, [high()], [[0, 69], [1, 71], [2, 69], [3, 68.5], [4, 67.9], [5, 69]])).toEqual(['activate@1', 'clear@4']);
  });

  it('works the other way round for a low limit', () => {
    const e = new LimitEvaluator();
    const low = high({ sensor: 'temperature', level: 'LL', setpoint: 10, deadband: 1 });
    expect(feed(e, [low], [[0, 11], [1, 9], [2, 10.5], [3, 11.1]])).toEqual(['activate@1', 'clear@3']);
  });

  it('needs the value beyond the limit for the whole on-delay, in event time', () => {
    const e = new LimitEvaluator();
    // a one-sample spike does not alarm; a sustained excursion alarms once the delay has passed
    expect(feed(e, [high({ onDelayMs: 3000 })], [[0, 75], [1000, 60], [2000, 75], [3000, 75], [4000, 75], [5000, 75]])).toEqual(['activate@5000']);
  });

  it('needs the value back inside for the whole off-delay before clearing', () => {
    const e = new LimitEvaluator();
    expect(feed(e, [high({ offDelayMs: 2000 })], [[0, 75], [1000, 60], [2000, 75], [3000, 60], [4000, 60], [5000, 60]])).toEqual(['activate@0', 'clear@5000']);
  });

  it('gives the same alarms whatever the wall clock: it only reads device time', () => {
    const points: [number, number][] = Array.from({ length: 200 }, (_, i) => [i * 500, 70 + 5 * Math.sin(i / 7)]);
    const limits = [high({ onDelayMs: 1500, offDelayMs: 1000 })];
    const a = feed(new LimitEvaluator(), limits, points);
    const b = feed(new LimitEvaluator(), limits, points);
    expect(a.length).toBeGreaterThan(2);
    expect(b).toEqual(a);
  });

  it('ignores a reading older than one already evaluated for the machine', () => {
    const e = new LimitEvaluator();
    expect(feed(e, [high()], [[10, 60], [5, 90], [11, 60]])).toEqual([]);
  });

  it('re-alarms an acknowledged alarm still active after the re-alarm time', () => {
    const e = new LimitEvaluator();
    const limits = [high({ reAlarmMs: 10_000 })];
    expect(feed(e, limits, [[0, 80], [1000, 80]])).toEqual(['activate@0']);
    e.acknowledged(limitAlarmId(M, 'temperature', 'H'), M);
    expect(feed(e, limits, [[5000, 80], [10_999, 80], [11_000, 80], [30_000, 80]])).toEqual(['realarm@11000']);
  });

  it('clears an active alarm whose limit is disabled, and never raises a disabled one', () => {
    const e = new LimitEvaluator();
    expect(feed(e, [high()], [[0, 80]])).toEqual(['activate@0']);
    expect(feed(e, [high({ enabled: false })], [[1, 80], [2, 90]])).toEqual(['clear@1']);
  });

  it('does not raise again a point seeded active from the store', () => {
    const e = new LimitEvaluator();
    e.seed(limitAlarmId(M, 'temperature', 'H'), true);
    expect(feed(e, [high()], [[0, 80], [1, 60]])).toEqual(['clear@1']);
  });

  it('judges a reading with nothing pending on its packed setpoints exactly as by the full rules', () => {
    // The same stream twice: once with one settings array (the packed flags carry over between
    // readings), once with a fresh copy per reading (everything rebuilt from the points each time).
    const limits = [
      high({ setpoint: 70, deadband: 2, onDelayMs: 2000, offDelayMs: 1000 }),
      high({ level: 'HH', setpoint: 80, deadband: 1, onDelayMs: 0, offDelayMs: 3000, reAlarmMs: 4000 }),
      high({ level: 'L', setpoint: 40, deadband: 2, onDelayMs: 1000 }),
      high({ level: 'LL', setpoint: 30, enabled: false }),
      high({ sensor: 'absent', setpoint: 1 }),
    ];
    let x = 3;
    const r = () => (x = (x * 48271) % 2147483647) / 2147483647;
    const stream: [number, number][] = [];
    let level = 60;
    for (let i = 0; i < 3000; i++) {
      level += (r() - 0.5) * 8;
      level = Math.min(95, Math.max(20, level));
      stream.push([i * 500 + (r() < 0.03 ? -2000 : 0), r() < 0.01 ? Number.NaN : level]);
    }
    const packed = new LimitEvaluator();
    const rebuilt = new LimitEvaluator();
    const a: string[] = [];
    const b: string[] = [];
    for (const [i, [ts, v]] of stream.entries()) {
      if (i === 1500) {
        packed.acknowledged(limitAlarmId(M, 'temperature', 'HH'), M);
        rebuilt.acknowledged(limitAlarmId(M, 'temperature', 'HH'), M);
        packed.seed(limitAlarmId(M, 'temperature', 'L'), true);
        rebuilt.seed(limitAlarmId(M, 'temperature', 'L'), true);
      }
      a.push(...packed.evaluate(reading(ts, v), limits).map((c) => `${c.alarmId} ${c.change}@${c.at}`));
      b.push(...rebuilt.evaluate(reading(ts, v), limits.map((l) => ({ ...l }))).map((c) => `${c.alarmId} ${c.change}@${c.at}`));
    }
    expect(new Set(a.map((c) => c.split(' ')[1]!.split('@')[0])).size).toBe(3);
    expect(a).toEqual(b);
  });
});
