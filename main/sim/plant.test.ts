import { describe, expect, it } from 'vitest';
import { MACHINE_TYPES } from './catalog';
import { Plant, type Sample } from './plant';
import { metaMessage, telemetryMessage, type MetaPayload } from './wire';

const WED = Date.parse('2024-03-06T00:00:00Z');
const HOUR = 3_600_000;
const MIN = 60_000;

function run(plant: Plant, from: number, to: number, stepMs: number): Sample[] {
  const out: Sample[] = [];
  for (let ts = from; ts <= to; ts += stepMs) out.push(...plant.step(ts));
  return out;
}

const series = (samples: Sample[], machineId: string, metric: string) =>
  samples.filter((s) => s.machine.id === machineId).map((s) => s.metrics[metric] ?? Number.NaN);

describe('Plant', () => {
  it('gives the same bytes for the same seed and timestamps, other bytes for another seed', () => {
    const bytes = (seed: number) =>
      run(new Plant({ machines: 30, seed, faultsPerMachinePerDay: 5 }), WED, WED + 2 * 24 * HOUR, 5 * MIN)
        .map((s) => telemetryMessage('plant1', s).payload)
        .join('\n');
    const a = bytes(7);
    expect(a.length).toBeGreaterThan(100_000);
    expect(bytes(7)).toBe(a);
    expect(bytes(8)).not.toBe(a);
  });

  it('lays out at least 24 machines of every type over areas, with ids and names', () => {
    const plant = new Plant({ machines: 24, seed: 1, faultsPerMachinePerDay: 0 });
    expect(new Set(plant.machines.map((m) => m.spec.type))).toEqual(new Set(MACHINE_TYPES.map((t) => t.type)));
    expect(MACHINE_TYPES.length).toBeGreaterThanOrEqual(5);
    expect(plant.machines.map((m) => m.id).slice(0, 3)).toEqual(['M001', 'M002', 'M003']);
    expect(plant.machines[0]?.name).toBe('CNC-01');
    expect(plant.machines.find((m) => m.spec.type === 'pump')?.name).toBe('P-01');
    expect(new Set(plant.machines.map((m) => m.area)).size).toBeGreaterThanOrEqual(5);
    expect(new Plant({ machines: 600, seed: 1, faultsPerMachinePerDay: 0 }).machines.at(-1)?.id).toBe('M600');
  });

  it('publishes the wire format: telemetry {ts, metrics} and a retained meta naming every metric', () => {
    const plant = new Plant({ machines: 24, seed: 3, faultsPerMachinePerDay: 0 });
    const samples = plant.step(WED + 10 * HOUR);
    expect(samples).toHaveLength(24);
    for (const sample of samples) {
      const t = telemetryMessage('plant1', sample);
      expect(t.topic).toBe(`factory/plant1/${sample.machine.area}/${sample.machine.id}/telemetry`);
      expect(t.retain).toBe(false);
      const payload = JSON.parse(t.payload) as { ts: unknown; metrics: Record<string, unknown> };
      expect(Object.keys(payload)).toEqual(['ts', 'metrics']);
      expect(payload.ts).toBe(WED + 10 * HOUR);
      for (const v of Object.values(payload.metrics)) expect(Number.isFinite(v)).toBe(true);
      for (const name of ['temperature', 'vibration', 'pressure', 'power']) expect(payload.metrics).toHaveProperty(name);

      const meta = metaMessage('plant1', sample.machine);
      expect(meta.topic).toBe(`factory/plant1/${sample.machine.area}/${sample.machine.id}/meta`);
      expect(meta.retain).toBe(true);
      const m = JSON.parse(meta.payload) as MetaPayload;
      expect(m.type).toBe(sample.machine.spec.type);
      expect(m.name).toBe(sample.machine.name);
      expect(Object.keys(m.units).sort()).toEqual(Object.keys(payload.metrics).sort());
      expect(m.units.temperature).toBe('°C');
      expect(m.limits?.vibration).toBeDefined();
      // Counters get no range; every other metric a normal band inside a display span that holds its limits.
      expect(m.counters).toContain(sample.machine.spec.counter.name);
      for (const counter of m.counters) expect(m.ranges[counter]).toBeUndefined();
      for (const [name, r] of Object.entries(m.ranges)) {
        expect(r.normal[0], name).toBeLessThan(r.normal[1]);
        expect(r.display[0], name).toBeLessThanOrEqual(r.normal[0]);
        expect(r.display[1], name).toBeGreaterThanOrEqual(r.normal[1]);
        for (const limit of Object.values(m.limits?.[name] ?? {})) expect(limit).toBeLessThan(r.display[1]);
      }
    }
    // Machines now pause (breaks, waits): the checks of running values look at machines that run.
    const running = (type: string) => samples.filter((s) => s.machine.spec.type === type && plant.operatingState(s.machine.id).mode === 'running');
    expect(running('cnc_mill').length).toBeGreaterThan(0);
    for (const cnc of running('cnc_mill')) expect(cnc.metrics.spindle_speed).toBeGreaterThan(5000);
    expect(samples.find((s) => s.machine.spec.type === 'cnc_mill')?.metrics).toHaveProperty('parts_rejected');
    expect(running('pump').length).toBeGreaterThan(0);
    // The lowest demand step of a pump (0.4) delivers about 50 m3/h.
    for (const pump of running('pump')) expect(pump.metrics.flow).toBeGreaterThan(45);
  });

  it('follows the daily cycle: more power in the morning shift than at night, temperature lagging the morning ramp', () => {
    const plant = new Plant({ machines: 48, seed: 5, faultsPerMachinePerDay: 0 });
    const samples = run(plant, WED, WED + 12 * HOUR, MIN);
    // Averages over two hours: a single instant may fall into a break, when most machines idle.
    const mean = (from: number, metric: string, type?: string) => {
      const hits = samples.filter((s) => s.ts >= from && s.ts < from + 2 * HOUR && (!type || s.machine.spec.type === type));
      return hits.reduce((sum, s) => sum + (s.metrics[metric] ?? 0), 0) / hits.length;
    };
    expect(mean(WED + 9 * HOUR, 'power')).toBeGreaterThan(1.25 * mean(WED + 2 * HOUR, 'power'));
    expect(mean(WED + 9 * HOUR, 'power', 'cnc_mill')).toBeGreaterThan(1.5 * mean(WED + 2 * HOUR, 'power', 'cnc_mill'));
    const total = (ts: number, metric: string, type?: string) =>
      samples.filter((s) => s.ts === ts && (!type || s.machine.spec.type === type)).reduce((sum, s) => sum + (s.metrics[metric] ?? 0), 0);
    // Load is back by 06:20 but the metal is still warming up.
    expect(total(WED + 6 * HOUR + 20 * MIN, 'temperature', 'cnc_mill')).toBeLessThan(total(WED + 8 * HOUR, 'temperature', 'cnc_mill') - 6 * 12 * 0.2);
    const parts = series(samples, 'M001', 'parts_total');
    expect(parts.at(-1)).toBeGreaterThan(parts[0] ?? Infinity);
    expect(parts.every((v, i) => i === 0 || v >= (parts[i - 1] ?? 0))).toBe(true);
  });

  it('bearing wear ramps vibration while running, warms the machine, and the failure stops it for repair', () => {
    const faulty = new Plant({ machines: 24, seed: 9, faultsPerMachinePerDay: 0 });
    const healthy = new Plant({ machines: 24, seed: 9, faultsPerMachinePerDay: 0 });
    faulty.injectFault('M001', 'bearing_wear', { startTs: WED + 8 * HOUR, durationMs: 4 * HOUR, repairMs: 3 * HOUR });
    const f = run(faulty, WED + 7 * HOUR, WED + 12 * HOUR - MIN, MIN);
    const h = run(healthy, WED + 7 * HOUR, WED + 12 * HOUR - MIN, MIN);
    const fv = series(f, 'M001', 'vibration');
    const hv = series(h, 'M001', 'vibration');
    expect(fv.slice(0, 60)).toEqual(hv.slice(0, 60));
    // Wear shows only while the spindle turns: compare the last minute both ran.
    const lastRunning = Math.max(...f.map((s, i) => (s.machine.id === 'M001' && healthy.modeAt('M001', s.ts).mode === 'running' ? i : -1)));
    const ts = f[lastRunning]?.ts ?? 0;
    expect(ts).toBeGreaterThan(WED + 11 * HOUR);
    const at = (samples: Sample[], metric: string) => samples.find((s) => s.ts === ts && s.machine.id === 'M001')?.metrics[metric] ?? Number.NaN;
    expect(at(f, 'vibration')).toBeGreaterThan(3 * at(h, 'vibration'));
    expect(at(f, 'temperature')).toBeGreaterThan(at(h, 'temperature') + 6);
    expect(faulty.activeFaults()).toEqual([{ machineId: 'M001', kind: 'bearing_wear', startTs: WED + 8 * HOUR, endTs: WED + 12 * HOUR, repairEndTs: WED + 15 * HOUR }]);
    faulty.step(WED + 12 * HOUR);
    expect(faulty.activeFaults()).toEqual([]);
    expect(faulty.operatingState('M001')).toMatchObject({ mode: 'off', repair: true, load: 0 });
    const repair = run(faulty, WED + 12 * HOUR + MIN, WED + 15 * HOUR - MIN, 10 * MIN).filter((s) => s.machine.id === 'M001');
    for (const s of repair) expect(s.metrics.spindle_speed).toBe(0);
    faulty.step(WED + 15 * HOUR);
    expect(faulty.operatingState('M001').repair).toBe(false);
  });

  it('overheating raises temperature; a leak drops pressure and flow; a surge spikes power', () => {
    const faulty = new Plant({ machines: 24, seed: 11, faultsPerMachinePerDay: 0 });
    const healthy = new Plant({ machines: 24, seed: 11, faultsPerMachinePerDay: 0 });
    const pump = faulty.machines.find((m) => m.spec.type === 'pump')?.id ?? '';
    const start = WED + 9 * HOUR;
    faulty.injectFault('M001', 'overheating', { startTs: start, durationMs: HOUR });
    faulty.injectFault(pump, 'leak', { startTs: start, durationMs: HOUR });
    faulty.injectFault('M002', 'surge', { startTs: start, durationMs: 30 * MIN });
    const f = run(faulty, start, start + 59 * MIN, 10_000);
    const h = run(healthy, start, start + 59 * MIN, 10_000);
    const last = (s: Sample[], id: string, metric: string) => series(s, id, metric).at(-1) ?? Number.NaN;
    expect(last(f, 'M001', 'temperature')).toBeGreaterThan(last(h, 'M001', 'temperature') + 15);
    // The fault's own heat is the whole difference from the healthy twin, and the twin has none.
    expect(faulty.operatingState('M001').faultHeatK).toBeCloseTo(last(f, 'M001', 'temperature') - last(h, 'M001', 'temperature'), 0);
    expect(healthy.operatingState('M001').faultHeatK).toBe(0);
    expect(last(f, pump, 'pressure')).toBeLessThan(0.7 * last(h, pump, 'pressure'));
    expect(last(f, pump, 'flow')).toBeLessThan(0.8 * last(h, pump, 'flow'));
    const surgePeak = Math.max(...series(f, 'M002', 'power').slice(0, 180));
    expect(surgePeak).toBeGreaterThan(1.4 * Math.max(...series(h, 'M002', 'power').slice(0, 180)));
  });

  it('a stuck sensor repeats one value while the others move, then moves again', () => {
    const plant = new Plant({ machines: 24, seed: 13, faultsPerMachinePerDay: 0 });
    const start = WED + 9 * HOUR;
    plant.injectFault('M002', 'stuck_sensor', { startTs: start, durationMs: 30 * MIN, metric: 'pressure' });
    const during = run(plant, start, start + 29 * MIN, MIN);
    expect(new Set(series(during, 'M002', 'pressure')).size).toBe(1);
    expect(new Set(series(during, 'M002', 'vibration')).size).toBeGreaterThan(10);
    const after = run(plant, start + 30 * MIN, start + 60 * MIN, MIN);
    expect(new Set(series(after, 'M002', 'pressure')).size).toBeGreaterThan(10);
  });

  it('a dropout silences the machine while its counters keep running', () => {
    const plant = new Plant({ machines: 24, seed: 17, faultsPerMachinePerDay: 0 });
    const start = WED + 9 * HOUR;
    plant.injectFault('M003', 'dropout', { startTs: start, durationMs: 10 * MIN });
    const before = run(plant, start - 5 * MIN, start - MIN, MIN);
    const during = run(plant, start, start + 9 * MIN, MIN);
    const after = run(plant, start + 10 * MIN, start + 15 * MIN, MIN);
    expect(during.some((s) => s.machine.id === 'M003')).toBe(false);
    expect(during.filter((s) => s.machine.id === 'M004')).toHaveLength(10);
    const partsBefore = series(before, 'M003', 'parts_total').at(-1) ?? 0;
    expect(series(after, 'M003', 'parts_total')[0]).toBeGreaterThan(partsBefore + 5);
  });

  it('draws Poisson faults at about the configured rate, at the same event times whatever the step', () => {
    const starts = (stepMs: number) => {
      const plant = new Plant({ machines: 50, seed: 21, faultsPerMachinePerDay: 2 });
      const seen = new Map<string, string>();
      for (let ts = WED; ts < WED + 10 * 24 * HOUR; ts += stepMs) {
        plant.step(ts);
        for (const f of plant.activeFaults()) seen.set(`${f.machineId}@${f.startTs}`, f.kind);
      }
      return seen;
    };
    const coarse = starts(MIN);
    expect([...starts(20_000).entries()].sort()).toEqual([...coarse.entries()].sort());
    // A fault runs for hours on average and the next is drawn after it ends, so the observed rate sits a little under 2/day.
    const perMachineDay = coarse.size / 500;
    expect(perMachineDay).toBeGreaterThan(1.2);
    expect(perMachineDay).toBeLessThan(2.2);
    expect(new Set(coarse.values()).size).toBe(6);
  });

  it('costs well under 5% of a core for 500 machines at 1 Hz', () => {
    const plant = new Plant({ machines: 500, seed: 1, faultsPerMachinePerDay: 0.5 });
    const ticks = 600;
    for (let k = 0; k < 50; k++) plant.step(WED + k * 1000);
    const cpu = process.cpuUsage();
    let bytes = 0;
    for (let k = 50; k < 50 + ticks; k++) for (const s of plant.step(WED + k * 1000)) bytes += telemetryMessage('plant1', s).payload.length;
    const used = process.cpuUsage(cpu);
    const msPerTick = (used.user + used.system) / 1000 / ticks;
    console.info(`500 machines: ${msPerTick.toFixed(3)} ms CPU per tick (${(msPerTick / 10).toFixed(2)}% of a core at 1 Hz), ${Math.round(bytes / ticks)} bytes per tick`);
    expect(bytes).toBeGreaterThan(0);
    expect(msPerTick).toBeLessThan(50);
  });
});
