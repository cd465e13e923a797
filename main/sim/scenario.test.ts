import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, faultDuration } from './faults';
import type { Sample } from './plant';
import { FAULT_GAP_MS, makeScenario, type ScenarioOptions } from './scenario';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** A week at one reading every two minutes: long spans stay fast at a coarse rate. */
const WEEK: ScenarioOptions = { seed: 1, machines: 24, days: 7, rateHz: 1 / 120 };

describe('makeScenario', () => {
  it('plans every fault kind on every seed, after the learning period, never two close together on one machine', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const s = makeScenario({ ...WEEK, seed, machines: 24 + seed });
      expect(s.learningEndTs).toBe(s.startTs + 2 * DAY);
      expect(s.endTs).toBe(s.startTs + 7 * DAY);
      expect(s.faults).toHaveLength(3 * FAULT_KINDS.length);
      for (const kind of FAULT_KINDS) expect(s.faults.filter((f) => f.kind === kind), `seed ${seed} ${kind}`).toHaveLength(3);
      for (const f of s.faults) {
        const { min, max } = faultDuration(f.kind);
        expect(f.endTs - f.startTs).toBeGreaterThanOrEqual(min);
        expect(f.endTs - f.startTs).toBeLessThanOrEqual(max);
        expect(f.startTs).toBeGreaterThanOrEqual(s.learningEndTs);
        expect(f.repairEndTs ?? f.endTs).toBeLessThanOrEqual(s.endTs);
        if (f.kind === 'bearing_wear') {
          expect(f.failureTs).toBe(f.endTs);
          expect((f.repairEndTs ?? 0) - f.endTs).toBeGreaterThanOrEqual(2 * HOUR);
          expect((f.repairEndTs ?? 0) - f.endTs).toBeLessThanOrEqual(8 * HOUR);
        } else expect(f.failureTs).toBeUndefined();
        if (f.kind === 'stuck_sensor') expect(f.metric).toBeDefined();
        if (f.kind !== 'dropout') expect(s.modeAt(f.machineId, f.startTs).mode, `${f.kind} starts on a running machine`).toBe('running');
      }
      for (const a of s.faults)
        for (const b of s.faults) {
          if (a === b || a.machineId !== b.machineId || a.startTs > b.startTs) continue;
          expect(b.startTs - (a.repairEndTs ?? a.endTs), `seed ${seed} ${a.machineId}`).toBeGreaterThanOrEqual(FAULT_GAP_MS);
        }
      expect(s.faults.map((f) => f.startTs)).toEqual([...s.faults.map((f) => f.startTs)].sort((a, b) => a - b));
    }
    expect(makeScenario(WEEK).faults).toEqual(makeScenario(WEEK).faults);
    expect(makeScenario({ ...WEEK, seed: 2 }).faults).not.toEqual(makeScenario(WEEK).faults);
    expect(makeScenario({ ...WEEK, faultsPerKind: 5, faultFreeDays: 3 }).faults).toHaveLength(30);
    expect(() => makeScenario({ ...WEEK, machines: 12 })).toThrow(RangeError);
    // Five hours after learning leave no room for a bearing failure of 6 h or more.
    expect(() => makeScenario({ ...WEEK, days: 2.2 })).toThrow(/cannot place/);
  });

  it('yields readings in event-time order with missing data that is not in the truth', () => {
    const s = makeScenario(WEEK);
    expect(s.periodMs).toBe(120_000);
    let last = -Infinity;
    let lastIndex = -1;
    let count = 0;
    let partial = 0;
    const index = new Map(s.machines.map((m, i) => [m.id, i]));
    const dropouts = s.faults.filter((f) => f.kind === 'dropout');
    let duringDropout = 0;
    for (const r of s.readings()) {
      const i = index.get(r.machine.id) ?? -1;
      if (r.ts < last || (r.ts === last && i <= lastIndex)) throw new Error(`out of order at ${r.ts}`);
      if ((r.ts - s.startTs) % s.periodMs !== 0 || r.ts >= s.endTs) throw new Error(`off the tick grid: ${r.ts}`);
      if (dropouts.some((f) => f.machineId === r.machine.id && r.ts >= f.startTs && r.ts < f.endTs)) duringDropout++;
      if (Object.keys(r.metrics).length < 6 + (r.machine.spec.rejectRate === undefined ? 0 : 1)) partial++;
      last = r.ts;
      lastIndex = i;
      count++;
    }
    expect(duringDropout).toBe(0);
    const ticks = (s.endTs - s.startTs) / s.periodMs;
    const dropoutTicks = dropouts.reduce((n, f) => n + Math.ceil((f.endTs - f.startTs) / s.periodMs), 0);
    const lost = 1 - count / (ticks * s.machines.length - dropoutTicks);
    // 0.5 % lost readings, plus short outages that a two-minute tick rarely hits.
    expect(lost).toBeGreaterThan(0.003);
    expect(lost).toBeLessThan(0.008);
    expect(partial).toBeGreaterThan(0);
    expect(partial / count).toBeLessThan(0.003);
    expect(s.faults.every((f) => FAULT_KINDS.includes(f.kind))).toBe(true);
  });

  it('replays the same readings on every call, with the state truth of each reading on the plant', () => {
    const s = makeScenario({ ...WEEK, days: 3, faultFreeDays: 1, faultsPerKind: 1 });
    const first = (n: number) => {
      const out: string[] = [];
      for (const r of s.readings()) {
        const state = s.plant.operatingState(r.machine.id);
        out.push(`${r.machine.id} ${r.ts} ${state.mode} ${state.level} ${JSON.stringify(r.metrics)}`);
        if (state.ts !== r.ts) throw new Error('state truth lags the reading');
        if (state.mode !== s.modeAt(r.machine.id, r.ts).mode) throw new Error('modeAt disagrees with the plant');
        if (out.length >= n) break;
      }
      return out;
    };
    const a = first(20_000);
    expect(new Set(a.map((l) => l.split(' ')[2]))).toEqual(new Set(['off', 'idle', 'running']));
    expect(first(20_000)).toEqual(a);
  });

  it('wears a bearing to about 4x vibration at the failure, stops the machine for repair, and restarts it with new bearings', () => {
    const faulty = makeScenario(WEEK);
    const healthy = makeScenario({ ...WEEK, faultsPerKind: 0 });
    expect(healthy.faults).toEqual([]);
    const bearings = faulty.faults.filter((f) => f.kind === 'bearing_wear');
    const watched = new Set(bearings.map((f) => f.machineId));
    const collect = (s: typeof faulty) => {
      const out = new Map<string, { sample: Sample; mode: string; repair: boolean }>();
      for (const r of s.readings()) if (watched.has(r.machine.id)) out.set(`${r.machine.id}@${r.ts}`, { sample: r, ...s.plant.operatingState(r.machine.id) });
      return out;
    };
    const f = collect(faulty);
    const h = collect(healthy);
    for (const fault of bearings) {
      const key = (ts: number) => `${fault.machineId}@${ts}`;
      // The last minute before the failure at which both plants delivered a reading of the running machine.
      let ts = fault.endTs - (fault.endTs % faulty.periodMs);
      if (ts === fault.endTs) ts -= faulty.periodMs;
      while (!(f.get(key(ts))?.mode === 'running' && f.get(key(ts))?.sample.metrics.vibration !== undefined && h.get(key(ts))?.sample.metrics.vibration !== undefined)) ts -= faulty.periodMs;
      expect(fault.endTs - ts, 'the machine ran shortly before failing').toBeLessThan(HOUR);
      const ratio = (f.get(key(ts))?.sample.metrics.vibration ?? 0) / (h.get(key(ts))?.sample.metrics.vibration ?? 1);
      expect(ratio, fault.machineId).toBeGreaterThan(3.2);
      expect(ratio, fault.machineId).toBeLessThan(5);

      const repairEnd = fault.repairEndTs ?? 0;
      for (let t = fault.endTs + faulty.periodMs; t < repairEnd; t += faulty.periodMs) {
        const r = f.get(key(t - (t % faulty.periodMs)));
        if (!r) continue;
        expect(r.mode).toBe('off');
        expect(r.repair).toBe(true);
        expect(r.sample.metrics.power ?? 0).toBeLessThan(0.5);
      }
      // New bearings: once it runs again, vibration is no higher than that of the plant that never failed.
      const after: number[] = [];
      for (let t = repairEnd - (repairEnd % faulty.periodMs) + faulty.periodMs; t < faulty.endTs && after.length < 30; t += faulty.periodMs) {
        const a = f.get(key(t));
        const b = h.get(key(t));
        if (a?.mode === 'running' && a.sample.metrics.vibration !== undefined && b?.mode === 'running' && b.sample.metrics.vibration !== undefined) after.push(a.sample.metrics.vibration / b.sample.metrics.vibration);
      }
      if (after.length > 0) expect(after.reduce((x, y) => x + y, 0) / after.length, fault.machineId).toBeLessThan(1.05);
    }
  });

  it('shows the other faults in the readings: a frozen metric, a silent machine, a pressure drop', () => {
    const s = makeScenario({ ...WEEK, seed: 3 });
    const samples = new Map<string, Sample[]>();
    for (const r of s.readings()) {
      const list = samples.get(r.machine.id) ?? [];
      list.push(r);
      samples.set(r.machine.id, list);
    }
    const within = (id: string, from: number, to: number) => (samples.get(id) ?? []).filter((r) => r.ts >= from && r.ts < to);
    for (const f of s.faults) {
      if (f.kind === 'stuck_sensor') {
        const values = within(f.machineId, f.startTs, f.endTs).map((r) => r.metrics[f.metric ?? '']).filter((v) => v !== undefined);
        expect(values.length).toBeGreaterThan(10);
        expect(new Set(values).size, `${f.machineId} ${f.metric}`).toBe(1);
      }
      if (f.kind === 'dropout') expect(within(f.machineId, f.startTs, f.endTs)).toEqual([]);
      if (f.kind === 'leak') {
        const open = f.startTs + (f.endTs - f.startTs) / 10;
        const during = within(f.machineId, open, f.endTs).filter((r) => s.modeAt(r.machine.id, r.ts).mode === 'running');
        const before = within(f.machineId, f.startTs - 6 * HOUR, f.startTs).filter((r) => s.modeAt(r.machine.id, r.ts).mode === 'running');
        const mean = (rs: Sample[]) => rs.reduce((sum, r) => sum + (r.metrics.pressure ?? 0), 0) / rs.length;
        if (during.length > 3 && before.length > 3) expect(mean(during) / mean(before), f.machineId).toBeLessThan(0.7);
      }
    }
  });
});
