/**
 * The plant model: every machine's physics advanced in event time. `step(ts)` is the only way time
 * moves, so the same seed and the same timestamps give the same readings, at 1x or 1000x.
 */
import { planMachines, type MachinePlan, type MetricSpec } from './catalog';
import { drawFault, severity, type Fault, type FaultKind } from './faults';
import { Rng, deriveSeed } from './random';
import { plantLoad } from './schedule';

export interface PlantOptions {
  machines: number;
  seed: number;
  faultsPerMachinePerDay: number;
  /** Places the shifts in the plant's local day; default 0 (UTC). */
  utcOffsetMinutes?: number;
}

export interface Sample {
  machine: MachinePlan;
  ts: number;
  metrics: Record<string, number>;
}

export interface ActiveFault extends Fault {
  machineId: string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

interface MachineState {
  plan: MachinePlan;
  /** Metrics a stuck-sensor fault may freeze: the measured ones, not the counters. */
  measured: string[];
  noise: Rng;
  faultRng: Rng;
  /** Unit-to-unit spread of nominal values. */
  gain: number;
  duty: number;
  wobblePeriodMs: number;
  wobblePhase: number;
  /** Bearings wear over weeks until scheduled maintenance renews them; a sawtooth in event time. */
  wearPeriodMs: number;
  wearPhase: number;
  lastTs: number;
  temperature: number;
  counter: number;
  rejected: number;
  /** The current fault, or the next one scheduled; null when faults are off. */
  fault: Fault | null;
  frozen: number | undefined;
}

export class Plant {
  readonly machines: readonly MachinePlan[];
  private readonly states: MachineState[];
  private readonly byId: Map<string, MachineState>;
  private readonly faultRatePerMs: number;
  private readonly utcOffsetMinutes: number;

  constructor(options: PlantOptions) {
    this.machines = planMachines(options.machines);
    this.faultRatePerMs = options.faultsPerMachinePerDay / DAY;
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
    this.states = this.machines.map((plan) => {
      const init = new Rng(deriveSeed(options.seed, `${plan.id}/init`));
      const spec = plan.spec;
      // Machines have run before the simulator started; counters do not begin at zero.
      const counter = Math.floor(init.range(0, 1e6));
      return {
        plan,
        measured: ['temperature', 'vibration', 'pressure', 'power', ...Object.keys(spec.extras)],
        noise: new Rng(deriveSeed(options.seed, `${plan.id}/noise`)),
        faultRng: new Rng(deriveSeed(options.seed, `${plan.id}/faults`)),
        gain: init.range(0.95, 1.05),
        duty: init.range(0.75, 1),
        wobblePeriodMs: init.range(0.5, 1.5) * HOUR,
        wobblePhase: init.next(),
        wearPeriodMs: init.range(14, 45) * DAY,
        wearPhase: init.next(),
        lastTs: Number.NaN,
        temperature: 0,
        counter,
        rejected: counter * (spec.rejectRate ?? 0),
        fault: null,
        frozen: undefined,
      };
    });
    this.byId = new Map(this.states.map((s) => [s.plan.id, s]));
  }

  /** Advances every machine to `ts` (epoch ms) and returns the readings of those that publish. */
  step(ts: number): Sample[] {
    const load = plantLoad(ts, this.utcOffsetMinutes);
    const out: Sample[] = [];
    for (const state of this.states) {
      const metrics = this.advance(state, ts, load);
      if (metrics) out.push({ machine: state.plan, ts, metrics });
    }
    return out;
  }

  /** Faults in progress at the last step. */
  activeFaults(): ActiveFault[] {
    const out: ActiveFault[] = [];
    for (const s of this.states) if (s.fault && s.lastTs >= s.fault.startTs) out.push({ machineId: s.plan.id, ...s.fault });
    return out;
  }

  /** Schedules a fault on one machine, replacing whatever was scheduled; for demos and tests of alarms. */
  injectFault(machineId: string, kind: FaultKind, at: { startTs: number; durationMs: number; metric?: string }): void {
    const state = this.byId.get(machineId);
    if (!state) throw new Error(`unknown machine ${machineId}`);
    const fault: Fault = { kind, startTs: at.startTs, endTs: at.startTs + at.durationMs };
    if (kind === 'stuck_sensor') {
      const metric = at.metric ?? state.measured[0] ?? 'temperature';
      if (!state.measured.includes(metric)) throw new Error(`${machineId} has no measured metric ${metric}`);
      fault.metric = metric;
    }
    state.fault = fault;
    state.frozen = undefined;
  }

  private nextFault(state: MachineState, after: number): Fault | null {
    if (this.faultRatePerMs <= 0) return null;
    return drawFault(state.faultRng, after + Math.round(state.faultRng.exponential(this.faultRatePerMs)), state.measured);
  }

  private advance(state: MachineState, ts: number, plantLoadNow: number): Record<string, number> | null {
    const first = Number.isNaN(state.lastTs);
    const dt = first ? 0 : Math.max(0, ts - state.lastTs);
    state.lastTs = ts;
    if (first && !state.fault) state.fault = this.nextFault(state, ts);
    // Fault arrivals are drawn from their own stream in event time, so they land at the same instants whatever the step size.
    while (state.fault && ts >= state.fault.endTs) {
      state.fault = this.nextFault(state, state.fault.endTs);
      state.frozen = undefined;
    }
    const fault = state.fault && ts >= state.fault.startTs ? state.fault : null;
    const kind = fault?.kind;
    const s = fault ? severity(fault, ts) : 0;

    const spec = state.plan.spec;
    const wobble = 0.05 * Math.sin(2 * Math.PI * (ts / state.wobblePeriodMs + state.wobblePhase));
    const load = clamp01((1 - spec.coupling + spec.coupling * plantLoadNow) * state.duty + wobble);

    const temperatureTarget = at(spec.temperature, load) * state.gain + (kind === 'bearing_wear' ? 12 * s : kind === 'overheating' ? 30 * s : 0);
    state.temperature = first ? temperatureTarget : state.temperature + (temperatureTarget - state.temperature) * (1 - Math.exp(-dt / spec.thermalTauMs));

    const w = frac(ts / state.wearPeriodMs + state.wearPhase);
    const vibrationFactor = (1 + 0.5 * w * w) * (kind === 'bearing_wear' ? 1 + 3 * s : 1) * (kind === 'surge' ? 1.2 : 1);
    let powerFactor = (kind === 'leak' ? 1 + 0.1 * s : 1) * (kind === 'overheating' ? 1.05 : 1);
    // A surge shows as spikes on some samples, not a steady offset.
    if (kind === 'surge' && state.noise.next() < 0.3) powerFactor *= 1 + state.noise.range(0.5, 2);

    const n = state.noise;
    const metrics: Record<string, number> = {
      temperature: emit(spec.temperature, state.temperature + spec.temperature.noise * n.gauss()),
      vibration: emit(spec.vibration, at(spec.vibration, load) * state.gain * vibrationFactor + spec.vibration.noise * n.gauss()),
      pressure: emit(spec.pressure, at(spec.pressure, load) * state.gain * (kind === 'leak' ? 1 - 0.45 * s : 1) + spec.pressure.noise * n.gauss()),
      power: emit(spec.power, at(spec.power, load) * state.gain * powerFactor + spec.power.noise * n.gauss()),
    };
    for (const [name, extra] of Object.entries(spec.extras)) {
      const leakLoss = kind === 'leak' && (name === 'flow' || name === 'air_flow') ? 1 - 0.3 * s : 1;
      metrics[name] = emit(extra, at(extra, load) * state.gain * leakLoss + extra.noise * n.gauss());
    }

    const produced = (spec.counter.perHour * load * state.gain * dt) / HOUR;
    state.counter += produced;
    metrics[spec.counter.name] = Math.floor(state.counter);
    if (spec.rejectRate !== undefined) {
      // Quality suffers while the machine itself is in trouble; sensor and network faults do not touch the parts.
      const physical = kind !== undefined && kind !== 'stuck_sensor' && kind !== 'dropout';
      state.rejected += produced * spec.rejectRate * (physical ? 4 : 1);
      metrics.parts_rejected = Math.floor(state.rejected);
    }

    if (kind === 'stuck_sensor' && fault?.metric) {
      state.frozen ??= metrics[fault.metric];
      if (state.frozen !== undefined) metrics[fault.metric] = state.frozen;
    }
    return kind === 'dropout' ? null : metrics;
  }
}

const at = (spec: MetricSpec, load: number) => spec.idle + (spec.full - spec.idle) * load;
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const frac = (x: number) => x - Math.floor(x);

function emit(spec: MetricSpec, value: number): number {
  const scale = 10 ** spec.decimals;
  return Math.round(Math.max(0, value) * scale) / scale;
}
