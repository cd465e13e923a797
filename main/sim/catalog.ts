/**
 * The machine types the simulator knows, with nominal values taken from typical shop-floor data
 * sheets, and how a plant of N machines is laid out over areas.
 */

/** A metric that moves with load: `idle` at zero load, `full` at full load. */
export interface MetricSpec {
  unit: string;
  idle: number;
  full: number;
  /** Noise standard deviation, in the metric's unit. */
  noise: number;
  decimals: number;
  /** The reading keeps its last running value while the machine is stopped (a cycle time, not a speed). */
  hold?: boolean;
}

/** ISA-18.2 style limits; an alarm system may use them as its defaults. */
export interface Limits {
  lowLow?: number;
  low?: number;
  high?: number;
  highHigh?: number;
}

export interface CounterSpec {
  name: string;
  unit: string;
  /** Count (or volume) per hour at full load. */
  perHour: number;
}

/** What a machine reports while switched off. */
export interface OffState {
  /** Standby draw of controls and panel, kW. */
  power: number;
  /**
   * Where pressure settles: 'supply' when the metric is plant air that stays up whatever the machine
   * does, otherwise a value in the metric's unit reached with `pressureTauMs` (accumulator bleed).
   */
  pressure: number | 'supply';
  pressureTauMs: number;
}

export interface MachineType {
  type: string;
  /** Production machines stop at night and at weekends; utilities run nearly all the time. */
  role: 'production' | 'utility';
  /** Prefix of the human name, e.g. CNC-01. */
  prefix: string;
  area: string;
  /**
   * How strongly the machine follows the plant's production load; utilities such as air and water
   * keep running when production is quiet.
   */
  coupling: number;
  /** First-order time constant of temperature, ms: heavy machines warm slowly. */
  thermalTauMs: number;
  temperature: MetricSpec;
  vibration: MetricSpec;
  pressure: MetricSpec;
  power: MetricSpec;
  extras: Readonly<Record<string, MetricSpec>>;
  counter: CounterSpec;
  off: OffState;
  /** Fraction of produced parts rejected in normal operation; absent where nothing is inspected. */
  rejectRate?: number;
  limits: Readonly<Record<string, Limits>>;
}

const SEC = 1000;
const MIN = 60 * SEC;
const m = (unit: string, idle: number, full: number, noise: number, decimals = 2): MetricSpec => ({ unit, idle, full, noise, decimals });
const C = '°C';
const VIB = 'mm/s';

export const MACHINE_TYPES: readonly MachineType[] = [
  {
    type: 'cnc_mill',
    role: 'production',
    prefix: 'CNC',
    area: 'machining',
    coupling: 1,
    thermalTauMs: 15 * MIN,
    temperature: m(C, 26, 48, 0.3, 1),
    vibration: m(VIB, 0.4, 2.2, 0.08),
    pressure: m('bar', 6.2, 5.9, 0.04),
    power: m('kW', 2.5, 15, 0.3),
    extras: { spindle_speed: m('rpm', 0, 12_000, 40, 0) },
    off: { power: 0.15, pressure: 'supply', pressureTauMs: 0 },
    counter: { name: 'parts_total', unit: 'parts', perHour: 40 },
    rejectRate: 0.02,
    limits: { temperature: { high: 62, highHigh: 72 }, vibration: { high: 4.5, highHigh: 7.1 }, pressure: { low: 5, lowLow: 4.5 }, power: { high: 20 } },
  },
  {
    type: 'pump',
    role: 'utility',
    prefix: 'P',
    area: 'fluids',
    coupling: 0.6,
    thermalTauMs: 20 * MIN,
    temperature: m(C, 30, 55, 0.3, 1),
    vibration: m(VIB, 1.0, 2.5, 0.1),
    // Discharge pressure is held by the control loop; it sags only a little at low demand.
    pressure: m('bar', 3.4, 4.2, 0.05),
    power: m('kW', 4, 30, 0.4),
    extras: { flow: m('m3/h', 10, 120, 1.2, 1) },
    off: { power: 0.05, pressure: 0.3, pressureTauMs: 20 * SEC },
    counter: { name: 'volume_total', unit: 'm3', perHour: 120 },
    limits: { temperature: { high: 70, highHigh: 80 }, vibration: { high: 4.5, highHigh: 7.1 }, pressure: { low: 2.6, lowLow: 2.0 }, power: { high: 38 } },
  },
  {
    type: 'compressor',
    role: 'utility',
    prefix: 'C',
    area: 'air',
    coupling: 0.5,
    thermalTauMs: 25 * MIN,
    temperature: m(C, 40, 82, 0.4, 1),
    vibration: m(VIB, 1.2, 3.5, 0.12),
    pressure: m('bar', 7.8, 7.3, 0.05),
    power: m('kW', 12, 55, 0.6),
    extras: { air_flow: m('m3/min', 1.5, 9, 0.1) },
    off: { power: 0.2, pressure: 0, pressureTauMs: 2 * MIN },
    counter: { name: 'air_total', unit: 'm3', perHour: 540 },
    limits: { temperature: { high: 95, highHigh: 105 }, vibration: { high: 7.1, highHigh: 11 }, pressure: { low: 6.3, lowLow: 5.8 }, power: { high: 68 } },
  },
  {
    type: 'hydraulic_press',
    role: 'production',
    prefix: 'HP',
    area: 'forming',
    coupling: 1,
    thermalTauMs: 30 * MIN,
    temperature: m(C, 30, 50, 0.25, 1),
    vibration: m(VIB, 0.5, 1.8, 0.07),
    // The accumulator keeps system pressure up between strokes.
    pressure: m('bar', 165, 180, 2, 1),
    power: m('kW', 5, 22, 0.4),
    extras: { stroke_rate: m('1/min', 0, 20, 0.3, 1) },
    off: { power: 0.1, pressure: 0, pressureTauMs: 5 * MIN },
    counter: { name: 'parts_total', unit: 'parts', perHour: 1_200 },
    rejectRate: 0.01,
    limits: { temperature: { high: 60, highHigh: 68 }, vibration: { high: 4.5, highHigh: 7.1 }, pressure: { low: 140, lowLow: 120 }, power: { high: 28 } },
  },
  {
    type: 'conveyor',
    role: 'production',
    prefix: 'CV',
    area: 'packaging',
    coupling: 1,
    thermalTauMs: 10 * MIN,
    temperature: m(C, 24, 38, 0.2, 1),
    vibration: m(VIB, 0.3, 1.2, 0.05),
    // Pneumatic diverters on the line.
    pressure: m('bar', 6.0, 5.8, 0.04),
    power: m('kW', 0.3, 3.5, 0.06),
    extras: { belt_speed: m('m/s', 0, 1.5, 0.01) },
    off: { power: 0.02, pressure: 'supply', pressureTauMs: 0 },
    counter: { name: 'parts_total', unit: 'parts', perHour: 3_600 },
    rejectRate: 0.005,
    limits: { temperature: { high: 50, highHigh: 60 }, vibration: { high: 2.8, highHigh: 4.5 }, pressure: { low: 5, lowLow: 4.5 }, power: { high: 4.5 } },
  },
  {
    type: 'injection_molder',
    role: 'production',
    prefix: 'IM',
    area: 'molding',
    coupling: 1,
    thermalTauMs: 40 * MIN,
    temperature: m(C, 180, 230, 0.6, 1),
    vibration: m(VIB, 0.4, 1.5, 0.06),
    pressure: m('bar', 1_050, 1_200, 8, 0),
    power: m('kW', 8, 40, 0.5),
    extras: { cycle_time: { ...m('s', 34, 30, 0.2), hold: true } },
    off: { power: 0.3, pressure: 0, pressureTauMs: 1 * MIN },
    counter: { name: 'parts_total', unit: 'parts', perHour: 120 },
    rejectRate: 0.03,
    limits: { temperature: { low: 170, high: 245, highHigh: 255 }, vibration: { high: 2.8, highHigh: 4.5 }, pressure: { low: 900, lowLow: 800 }, power: { high: 50 } },
  },
];

/** The metrics a sensor measures (a stuck-sensor fault may freeze them); the counters are not among them. */
export const measuredMetrics = (spec: MachineType): string[] => ['temperature', 'vibration', 'pressure', 'power', ...Object.keys(spec.extras)];

/** The mix of a plant: one block of 24 machines, repeated as often as needed. */
const LAYOUT: readonly string[] = [
  ...Array<string>(6).fill('cnc_mill'),
  ...Array<string>(4).fill('pump'),
  ...Array<string>(3).fill('compressor'),
  ...Array<string>(4).fill('hydraulic_press'),
  ...Array<string>(4).fill('conveyor'),
  ...Array<string>(3).fill('injection_molder'),
];

export interface MachinePlan {
  id: string;
  name: string;
  area: string;
  spec: MachineType;
}

/** Lays out `count` machines: ids M001.., names numbered per type (CNC-01, P-07). */
export function planMachines(count: number): MachinePlan[] {
  const byType = new Map(MACHINE_TYPES.map((t) => [t.type, t]));
  const numbers = new Map<string, number>();
  const idWidth = Math.max(3, String(count).length);
  const nameWidth = Math.max(2, String(Math.ceil(count / 4)).length);
  const plans: MachinePlan[] = [];
  for (let i = 0; i < count; i++) {
    const spec = byType.get(LAYOUT[i % LAYOUT.length] ?? '');
    if (!spec) throw new Error('layout names an unknown machine type');
    const n = (numbers.get(spec.type) ?? 0) + 1;
    numbers.set(spec.type, n);
    plans.push({ id: `M${String(i + 1).padStart(idWidth, '0')}`, name: `${spec.prefix}-${String(n).padStart(nameWidth, '0')}`, area: spec.area, spec });
  }
  return plans;
}
