import { describe, expect, it } from 'vitest';
import { Plant, type Sample } from './plant';

const MON = Date.parse('2024-03-04T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('Plant operating modes', () => {
  it('reads like a stopped machine when off: standby power, no motion, cooling to ambient, counters still, pressure by type', () => {
    const plant = new Plant({ machines: 24, seed: 2, faultsPerMachinePerDay: 0 });
    const production = plant.machines.filter((m) => m.spec.role === 'production');
    /** Samples of each production machine since it went off, by machine. */
    const offRuns = new Map<string, { since: number; samples: Sample[] }>();
    // One expect per sample would dominate the run time: collect what is wrong instead.
    const wrong: string[] = [];
    const check = (ok: boolean, what: string, s: Sample) => void (ok || wrong.push(`${s.machine.id} ${new Date(s.ts).toISOString()}: ${what}`));
    let cooled = 0;
    // Saturday noon to Monday 06:00: the long weekend stop.
    for (let ts = MON + 5 * DAY + 12 * HOUR; ts < MON + 7 * DAY + 6 * HOUR; ts += 5 * MIN) {
      const byId = new Map(plant.step(ts).map((s) => [s.machine.id, s]));
      for (const m of production) {
        const state = plant.operatingState(m.id);
        const sample = byId.get(m.id);
        if (state.mode !== 'off' || !sample) {
          offRuns.delete(m.id);
          continue;
        }
        const run = offRuns.get(m.id) ?? { since: ts, samples: [] };
        run.samples.push(sample);
        offRuns.set(m.id, run);
        const metrics = sample.metrics;
        check(state.load === 0 && state.ts === ts, 'load', sample);
        check((metrics.power ?? 0) < 0.5, `power ${metrics.power}`, sample);
        check((metrics.vibration ?? 0) < 0.3, `vibration ${metrics.vibration}`, sample);
        for (const speed of ['spindle_speed', 'stroke_rate', 'belt_speed']) if (speed in metrics) check(metrics[speed] === 0, speed, sample);
        check(metrics[m.spec.counter.name] === run.samples[0]?.metrics[m.spec.counter.name], 'counter moved', sample);
        if (ts - run.since >= HOUR) {
          // Plant air stays up for pneumatic machines; hydraulics bleed down.
          const p = metrics.pressure ?? Number.NaN;
          check(m.spec.off.pressure === 'supply' ? p > 5.5 : p < 0.05 * m.spec.pressure.idle, `pressure ${p}`, sample);
        }
        if (ts - run.since >= 8 * m.spec.thermalTauMs + HOUR) {
          const lastHour = run.samples.filter((s) => s.ts > ts - HOUR);
          const excess = lastHour.reduce((sum, s) => sum + (s.metrics.temperature ?? 0) - plant.ambientAt(m.id, s.ts), 0) / lastHour.length;
          // The metal trails the moving air by its time constant: up to about 0.5 K at the daily swing's steepest.
          check(Math.abs(excess) < 1, `${excess.toFixed(2)} K above ambient`, sample);
          cooled++;
        }
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(cooled).toBeGreaterThan(production.length * 6);
  });

  it('idles with power at the idle level and no motion, and runs at the load step it reports', () => {
    const plant = new Plant({ machines: 24, seed: 4, faultsPerMachinePerDay: 0 });
    const cnc = plant.machines[0]!;
    const idlePower: number[] = [];
    const levels = new Set<number>();
    for (let ts = MON + DAY; ts < MON + 2 * DAY; ts += 2 * MIN) {
      const sample = plant.step(ts).find((s) => s.machine.id === cnc.id)!;
      const state = plant.operatingState(cnc.id);
      if (state.mode === 'idle') {
        idlePower.push(sample.metrics.power ?? Number.NaN);
        expect(sample.metrics.spindle_speed).toBe(0);
      } else if (state.mode === 'running') {
        levels.add(state.level);
        expect(Math.abs(state.load - state.level)).toBeLessThanOrEqual(0.03 + 1e-9);
        expect(Math.abs((sample.metrics.spindle_speed ?? 0) / 12_000 - state.load)).toBeLessThan(0.08);
      }
    }
    expect(idlePower.length).toBeGreaterThan(10);
    const meanIdle = idlePower.reduce((a, b) => a + b, 0) / idlePower.length;
    // Unit-to-unit spread is ±5 %; noise averages out.
    expect(Math.abs(meanIdle - cnc.spec.power.idle)).toBeLessThan(0.2);
    for (const p of idlePower) expect(Math.abs(p - cnc.spec.power.idle)).toBeLessThan(1.5);
    expect(levels.size).toBeGreaterThanOrEqual(2);
  });

  it('plans modes in event time: the same states at the same instants whatever the step size', () => {
    const states = (stepMs: number) => {
      const plant = new Plant({ machines: 24, seed: 6, faultsPerMachinePerDay: 1 });
      const out = new Map<number, string>();
      for (let ts = MON + 4 * DAY; ts < MON + 6 * DAY; ts += stepMs) {
        plant.step(ts);
        if (ts % (10 * MIN) === 0) out.set(ts, plant.machines.map((m) => JSON.stringify({ ...plant.operatingState(m.id), ts: undefined, faultHeatK: undefined })).join());
      }
      return out;
    };
    const coarse = states(10 * MIN);
    expect(coarse.size).toBe(288);
    expect(states(MIN)).toEqual(coarse);
  });

  it('puts machine temperature on top of the ambient air, which moves over days', () => {
    const plant = new Plant({ machines: 24, seed: 8, faultsPerMachinePerDay: 0 });
    const pump = plant.machines.find((m) => m.spec.type === 'pump')!;
    const air = Array.from({ length: 7 }, (_, d) => plant.ambientAt(pump.id, MON + d * DAY + 15 * HOUR));
    expect(Math.max(...air) - Math.min(...air)).toBeGreaterThan(1);
    expect(plant.ambientAt(pump.id, MON + 15 * HOUR) - plant.ambientAt(pump.id, MON + 3 * HOUR)).toBeGreaterThan(4);
  });

  it('runs without pause on the smooth shift curve when operating modes are off', () => {
    const plant = new Plant({ machines: 24, seed: 1, faultsPerMachinePerDay: 0, operatingModes: false });
    for (let ts = MON + 5 * DAY; ts < MON + 7 * DAY; ts += 30 * MIN) {
      plant.step(ts);
      for (const m of plant.machines) expect(plant.operatingState(m.id).mode).toBe('running');
    }
  });

  it('loses readings and metrics only where asked, and otherwise delivers what a perfect plant gives', () => {
    const perfect = new Plant({ machines: 24, seed: 3, faultsPerMachinePerDay: 0 });
    const lossy = new Plant({ machines: 24, seed: 3, faultsPerMachinePerDay: 0, missingData: { lostRate: 0.01, absentMetricRate: 0.01, gapsPerDay: 0 } });
    let expected = 0;
    let got = 0;
    let partial = 0;
    let differ = 0;
    for (let ts = MON; ts < MON + 2 * DAY; ts += 2 * MIN) {
      const want = new Map(perfect.step(ts).map((s) => [s.machine.id, s.metrics]));
      expected += want.size;
      for (const s of lossy.step(ts)) {
        got++;
        const full = want.get(s.machine.id)!;
        if (Object.keys(s.metrics).length < Object.keys(full).length) partial++;
        for (const [k, v] of Object.entries(s.metrics)) if (v !== full[k]) differ++;
      }
    }
    expect(1 - got / expected).toBeGreaterThan(0.006);
    expect(1 - got / expected).toBeLessThan(0.014);
    expect(partial / got).toBeGreaterThan(0.006);
    expect(partial / got).toBeLessThan(0.014);
    expect(differ).toBe(0);
    expect(lossy.activeFaults()).toEqual([]);
  });
});
