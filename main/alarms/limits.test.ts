import { describe, expect, it } from 'vitest';
import type { LimitSetting } from '../../common/contract-alarms';
import { defaultLimits, effectiveLimits, LimitEvaluator, limitAlarmId, type AppliedLimit, type LimitChange } from './limits';

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

describe('LimitEvaluator: holds shown as suppressed by design', () => {
  const low = (over: Partial<AppliedLimit> = {}): AppliedLimit => high({ level: 'L', setpoint: 40, deadband: 2, ...over });
  const held = (heldBy: string) => low({ enabled: false, heldBy });
  const said = (c: LimitChange) => `${c.change}@${c.at}${c.change === 'suppress' ? ` ${c.reason}` : c.change === 'unsuppress' ? ` ${c.note}` : ''}`;
  const run = (e: LimitEvaluator, steps: [number, number, AppliedLimit[]][]) => steps.flatMap(([ts, v, limits]) => e.evaluate(reading(ts, v), limits).map(said));

  it('shows a hold once it has lasted, dated where it began, and ends it once', () => {
    const e = new LimitEvaluator(0, 20_000);
    const steps: [number, number, AppliedLimit[]][] = [[0, 50, [low()]]];
    const idle = [held('machine idle')];
    const off = [held('machine off')];
    for (let ts = 1000; ts <= 40_000; ts += 1000) steps.push([ts, 10, ts < 30_000 ? idle : off]);
    steps.push([41_000, 50, [low()]], [42_000, 50, [low()]]);
    expect(run(e, steps)).toEqual(['suppress@1000 machine idle', 'suppress@30000 machine off', 'unsuppress@41000 machine running']);
  });

  it('shows nothing for a hold shorter than the state hold (a running machine dipping to idle)', () => {
    const e = new LimitEvaluator(0, 20_000);
    const steps: [number, number, AppliedLimit[]][] = [];
    for (let ts = 0; ts < 120_000; ts += 1000) steps.push([ts, 50, ts % 30_000 < 5000 ? [held('machine idle')] : [low()]]);
    expect(run(e, steps)).toEqual([]);
  });

  it('suppresses an active point at once, so its condition leaves play without an annunciated clear', () => {
    const e = new LimitEvaluator(0, 20_000);
    expect(run(e, [[0, 30, [low()]], [1000, 30, [held('machine idle')]], [2000, 30, [held('machine idle')]]])).toEqual(['activate@0', 'suppress@1000 machine idle', 'clear@1000']);
  });

  it('holds a low limit after a start until its value comes up, then says when it was armed', () => {
    const e = new LimitEvaluator(60_000, 20_000);
    const steps: [number, number, AppliedLimit[]][] = [[0, 50, [low()]]];
    for (let ts = 1000; ts <= 30_000; ts += 1000) steps.push([ts, 5, [held('machine idle')]]);
    expect(run(e, steps)).toEqual(['suppress@1000 machine idle']);
    e.startUp(M);
    const running = [low()];
    expect(run(e, [[31_000, 20, running], [32_000, 41, running], [33_000, 42.5, running], [34_000, 50, running]])).toEqual([
      'suppress@31000 start-up: waiting for value above 42',
      `unsuppress@33000 start-up: armed at ${new Date(33_000).toISOString()}`,
    ]);
  });

  it('gives the same hold changes when the settings are rebuilt on every reading', () => {
    const stream: [number, number, boolean][] = [];
    for (let ts = 0; ts < 200_000; ts += 1000) stream.push([ts, 30 + (ts % 7000) / 100, (ts / 1000) % 50 < 25]);
    const packed = new LimitEvaluator(0, 20_000);
    const rebuilt = new LimitEvaluator(0, 20_000);
    const idle = [held('machine idle')];
    const running = [low()];
    const a = stream.flatMap(([ts, v, standing]) => packed.evaluate(reading(ts, v), standing ? idle : running).map(said));
    const b = stream.flatMap(([ts, v, standing]) => rebuilt.evaluate(reading(ts, v), (standing ? idle : running).map((l) => ({ ...l }))).map(said));
    expect(a.filter((c) => c.startsWith('suppress')).length).toBe(4);
    expect(a).toEqual(b);
  });
});
