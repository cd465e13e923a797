/**
 * The plant model: every machine's physics advanced in event time. `step(ts)` is the only way time
 * moves, so the same seed and the same timestamps give the same readings, at 1x or 1000x. Operating
 * modes, ambient air, fault arrivals, repairs and delivery losses all hang on event time alone, so
 * they fall at the same instants whatever the step size.
 */
import { Ambient, NOMINAL_AMBIENT_C } from './ambient';
import { measuredMetrics, planMachines, type MachinePlan, type MetricSpec } from './catalog';
import { drawFault, REPAIR_MS, severity, type Fault, type FaultKind } from './faults';
import { MissingData, type MissingDataOptions } from './missing-data';
import { OperatingSchedule, type OperatingMode, type OperatingState } from './operating-modes';
import { Rng, deriveSeed } from './random';
import { plantLoad } from './schedule';

export interface PlannedFault extends Fault {
  machineId: string;
}

export interface PlantOptions {
  machines: number;
  seed: number;
  /** Rate of randomly drawn faults; 0 for none. Drawing starts after a machine's planned faults are used up. */
  faultsPerMachinePerDay: number;
  /** Places the shifts in the plant's local day; default 0 (UTC). */
  utcOffsetMinutes?: number;
  /**
   * Off, idle and stepped load per machine (default true). False runs every machine without pause on
   * the smooth shift curve, the simulator's first behaviour.
   */
  operatingModes?: boolean;
  /** Lost readings, absent metrics and short outages; absent means perfect delivery, `{}` the defaults. */
  missingData?: MissingDataOptions;
  /** Faults fixed in advance (a scenario's ground truth), in any order. */
  faultPlan?: readonly PlannedFault[];
}

export interface Sample {
  machine: MachinePlan;
  ts: number;
  metrics: Record<string, number>;
}

export interface ActiveFault extends Fault {
  machineId: string;
}

/** A machine's true operating state at one instant. */
export interface MachineState extends OperatingState {
  /** Event time it describes; NaN before the first step. */
  ts: number;
  /** The load the machine actually runs at, 0..1: the step plus a small wobble, 0 when idle or off. */
  load: number;
  /** True while the machine stands for a repair after a failure. */
  repair: boolean;
  /** What cooling trouble or a dry bearing adds to the temperature now, K, through the machine's thermal lag: the fault's own size. */
  faultHeatK: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const OFF: Readonly<OperatingState> = { mode: 'off', level: 0 };

interface MachineModel {
  plan: MachinePlan;
  /** Metrics a stuck-sensor fault may freeze: the measured ones, not the counters. */
  measured: string[];
  noise: Rng;
  faultRng: Rng;
  schedule: OperatingSchedule;
  missing: MissingData | null;
  extras: [string, MetricSpec][];
  /** Offset of the machine's area from the plant's air, K. */
  areaOffset: number;
  /** Unit-to-unit spread of nominal values. */
  gain: number;
  duty: number;
  wobblePeriodMs: number;
  wobblePhase: number;
  /** Bearings wear over weeks until maintenance or a repair renews them; a sawtooth in event time from `wearOrigin`. */
  wearPeriodMs: number;
  wearPhase: number;
  wearOrigin: number;
  lastTs: number;
  temperature: number;
  /** The part of `temperature` the fault put there. */
  faultTemperature: number;
  pressure: number;
  /** Last running value of the metrics that hold while stopped. */
  held: Record<string, number>;
  counter: number;
  rejected: number;
  /** The current fault, or the next one scheduled; null when none is due. */
  fault: Fault | null;
  /** Planned faults still to come, latest first. */
  planned: Fault[];
  /** The repair stop in progress after a failure. */
  repair: { from: number; to: number } | null;
  frozen: number | undefined;
  now: MachineState;
}

export class Plant {
  readonly machines: readonly MachinePlan[];
  private readonly models: MachineModel[];
  private readonly byId: Map<string, MachineModel>;
  private readonly faultRatePerMs: number;
  private readonly utcOffsetMinutes: number;
  private readonly operatingModes: boolean;
  private readonly ambient: Ambient;
  private readonly seed: number;

  constructor(options: PlantOptions) {
    this.machines = planMachines(options.machines);
    this.seed = options.seed;
    this.faultRatePerMs = options.faultsPerMachinePerDay / DAY;
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
    this.operatingModes = options.operatingModes ?? true;
    this.ambient = new Ambient(options.seed, this.utcOffsetMinutes);
    this.models = this.machines.map((plan) => {
      const init = new Rng(deriveSeed(options.seed, `${plan.id}/init`));
      const spec = plan.spec;
      // Machines have run before the simulator started; counters do not begin at zero.
      const counter = Math.floor(init.range(0, 1e6));
      return {
        plan,
        measured: measuredMetrics(spec),
        noise: new Rng(deriveSeed(options.seed, `${plan.id}/noise`)),
        faultRng: new Rng(deriveSeed(options.seed, `${plan.id}/faults`)),
        schedule: new OperatingSchedule(options.seed, plan, this.utcOffsetMinutes),
        missing: options.missingData ? new MissingData(options.seed, plan.id, options.missingData) : null,
        extras: Object.entries(spec.extras),
        areaOffset: this.ambient.areaOffset(plan.area),
        gain: init.range(0.95, 1.05),
        duty: init.range(0.75, 1),
        wobblePeriodMs: init.range(0.5, 1.5) * HOUR,
        wobblePhase: init.next(),
        wearPeriodMs: init.range(14, 45) * DAY,
        wearPhase: init.next(),
        wearOrigin: 0,
        lastTs: Number.NaN,
        temperature: 0,
        faultTemperature: 0,
        pressure: 0,
        held: {},
        counter,
        rejected: counter * (spec.rejectRate ?? 0),
        fault: null,
        planned: [],
        repair: null,
        frozen: undefined,
        now: { ts: Number.NaN, mode: 'off', level: 0, load: 0, repair: false, faultHeatK: 0 },
      };
    });
    this.byId = new Map(this.models.map((s) => [s.plan.id, s]));
    for (const f of options.faultPlan ?? []) {
      const model = this.model(f.machineId);
      const { machineId: _, ...fault } = f;
      this.checkMetric(model, fault);
      model.planned.push(fault);
    }
    for (const m of this.models) m.planned.sort((a, b) => b.startTs - a.startTs);
  }

  /** Advances every machine to `ts` (epoch ms) and returns the readings of those that publish. */
  step(ts: number): Sample[] {
    const load = plantLoad(ts, this.utcOffsetMinutes);
    const air = this.ambient.plantAt(ts);
    const out: Sample[] = [];
    for (const model of this.models) {
      const metrics = this.advance(model, ts, load, air + model.areaOffset);
      if (metrics) out.push({ machine: model.plan, ts, metrics });
    }
    return out;
  }

  /** Faults in progress at the last step. */
  activeFaults(): ActiveFault[] {
    const out: ActiveFault[] = [];
    for (const s of this.models) if (s.fault && s.lastTs >= s.fault.startTs) out.push({ machineId: s.plan.id, ...s.fault });
    return out;
  }

  /** The true operating state of a machine at the last step: ground truth for state detection. */
  operatingState(machineId: string): MachineState {
    return { ...this.model(machineId).now };
  }

  /**
   * The planned mode and load step of a machine at any `ts`, without stepping: the operating schedule
   * with the repair stops the plant knows of (planned ones, and drawn ones once drawn).
   */
  modeAt(machineId: string, ts: number): OperatingState {
    const model = this.model(machineId);
    if (this.inRepair(model, ts)) return { ...OFF };
    if (!this.operatingModes) return { mode: 'running', level: this.continuousLoad(model, ts, plantLoad(ts, this.utcOffsetMinutes)) };
    const { mode, level } = model.schedule.at(ts);
    return { mode, level };
  }

  /** Air temperature around a machine at `ts`, °C. */
  ambientAt(machineId: string, ts: number): number {
    return this.ambient.at(ts, this.model(machineId).plan.area);
  }

  /**
   * Schedules a fault on one machine, replacing whatever was scheduled; for demos and tests of alarms.
   * A bearing failure at the end of `durationMs` stops the machine for `repairMs` (default 2-8 h, drawn from the seed).
   */
  injectFault(machineId: string, kind: FaultKind, at: { startTs: number; durationMs: number; metric?: string; repairMs?: number }): void {
    const model = this.model(machineId);
    const fault: Fault = { kind, startTs: at.startTs, endTs: at.startTs + at.durationMs };
    if (kind === 'stuck_sensor') fault.metric = at.metric ?? model.measured[0] ?? 'temperature';
    if (kind === 'bearing_wear') {
      const repairMs = at.repairMs ?? new Rng(deriveSeed(this.seed, `${machineId}/repair/${at.startTs}`)).range(REPAIR_MS.min, REPAIR_MS.max);
      fault.repairEndTs = fault.endTs + Math.round(repairMs);
    }
    this.checkMetric(model, fault);
    model.fault = fault;
    model.frozen = undefined;
  }

  private model(machineId: string): MachineModel {
    const model = this.byId.get(machineId);
    if (!model) throw new Error(`unknown machine ${machineId}`);
    return model;
  }

  private checkMetric(model: MachineModel, fault: Fault): void {
    if (fault.kind === 'stuck_sensor' && !model.measured.includes(fault.metric ?? '')) throw new Error(`${model.plan.id} has no measured metric ${fault.metric ?? '(none)'}`);
  }

  private inRepair(model: MachineModel, ts: number): boolean {
    const within = (f: Fault | null | undefined) => f?.repairEndTs !== undefined && ts >= f.endTs && ts < f.repairEndTs;
    if (model.repair && ts >= model.repair.from && ts < model.repair.to) return true;
    return within(model.fault) || model.planned.some(within);
  }

  private nextFault(model: MachineModel, after: number): Fault | null {
    const planned = model.planned.pop();
    if (planned) return planned;
    if (this.faultRatePerMs <= 0) return null;
    return drawFault(model.faultRng, after + Math.round(model.faultRng.exponential(this.faultRatePerMs)), model.measured);
  }

  /** Renewed bearings start the wear sawtooth again from the end of the repair. */
  private settleRepair(model: MachineModel, ts: number): void {
    if (model.repair && ts >= model.repair.to) {
      model.wearOrigin = model.repair.to;
      model.wearPhase = 0;
      model.repair = null;
    }
  }

  private continuousLoad(model: MachineModel, ts: number, plantLoadNow: number): number {
    const spec = model.plan.spec;
    const wobble = 0.05 * Math.sin(2 * Math.PI * (ts / model.wobblePeriodMs + model.wobblePhase));
    return clamp01((1 - spec.coupling + spec.coupling * plantLoadNow) * model.duty + wobble);
  }

  private advance(model: MachineModel, ts: number, plantLoadNow: number, ambient: number): Record<string, number> | null {
    const first = Number.isNaN(model.lastTs);
    const dt = first ? 0 : Math.max(0, ts - model.lastTs);
    model.lastTs = ts;
    if (first && !model.fault) model.fault = this.nextFault(model, ts);
    // Fault arrivals are drawn from their own stream in event time, so they land at the same instants whatever the step size.
    while (model.fault && ts >= model.fault.endTs) {
      const ended = model.fault;
      if (ended.repairEndTs !== undefined) model.repair = { from: ended.endTs, to: ended.repairEndTs };
      this.settleRepair(model, ts);
      model.fault = this.nextFault(model, ended.repairEndTs ?? ended.endTs);
      model.frozen = undefined;
    }
    this.settleRepair(model, ts);
    const fault = model.fault && ts >= model.fault.startTs ? model.fault : null;
    const kind = fault?.kind;
    const s = fault ? severity(fault, ts) : 0;

    const spec = model.plan.spec;
    const repair = model.repair !== null && ts >= model.repair.from;
    // A machine under repair stands, whatever its schedule says.
    let mode: OperatingMode = 'off';
    let level = 0;
    let load = 0;
    if (!repair && !this.operatingModes) {
      mode = 'running';
      level = load = this.continuousLoad(model, ts, plantLoadNow);
    } else if (!repair) {
      ({ mode, level } = model.schedule.at(ts));
      load = mode === 'running' ? clamp01(level + 0.03 * Math.sin(2 * Math.PI * (ts / model.wobblePeriodMs + model.wobblePhase))) : 0;
    }
    const now = model.now;
    now.ts = ts;
    now.mode = mode;
    now.level = level;
    now.load = load;
    now.repair = repair;
    const running = mode === 'running';
    const powered = mode !== 'off';
    const n = model.noise;
    const gain = model.gain;

    // Cooling trouble and a dry bearing heat the machine only while it works.
    const faultHeat = running ? (kind === 'bearing_wear' ? 12 * s : kind === 'overheating' ? 30 * s : 0) : 0;
    const rise = powered ? (at(spec.temperature, load) - NOMINAL_AMBIENT_C) * gain : 0;
    const temperatureTarget = ambient + rise + faultHeat;
    const follow = first ? 1 : 1 - Math.exp(-dt / spec.thermalTauMs);
    model.temperature += (temperatureTarget - model.temperature) * follow;
    model.faultTemperature += (faultHeat - model.faultTemperature) * follow;
    now.faultHeatK = model.faultTemperature;

    const surge = kind === 'surge' && powered;
    let vibration: number;
    if (running) {
      const w = frac((ts - model.wearOrigin) / model.wearPeriodMs + model.wearPhase);
      const vibrationFactor = (1 + 0.5 * w * w) * (kind === 'bearing_wear' ? 1 + 3 * s : 1) * (surge ? 1.2 : 1);
      vibration = at(spec.vibration, load) * gain * vibrationFactor + spec.vibration.noise * n.gauss();
    } else if (powered) {
      // Auxiliaries (coolant, hydraulic and lube pumps) run; the worn spindle or drive does not turn.
      vibration = spec.vibration.idle * gain * (surge ? 1.2 : 1) + spec.vibration.noise * n.gauss();
    } else vibration = 0.5 * spec.vibration.noise * Math.abs(n.gauss());

    const leak = kind === 'leak' ? s : 0;
    const off = spec.off;
    const pressureTarget = (powered ? at(spec.pressure, load) * gain : off.pressure === 'supply' ? spec.pressure.idle * gain : off.pressure) * (1 - 0.45 * leak);
    const pressureTau = powered || off.pressure === 'supply' ? 0 : off.pressureTauMs;
    model.pressure = first || pressureTau === 0 ? pressureTarget : pressureTarget + (model.pressure - pressureTarget) * Math.exp(-dt / pressureTau);

    let power: number;
    if (powered) {
      let powerFactor = (1 + 0.1 * leak) * (running && kind === 'overheating' ? 1.05 : 1);
      // A surge shows as spikes on some samples, not a steady offset.
      if (surge && n.next() < 0.3) powerFactor *= 1 + n.range(0.5, 2);
      power = at(spec.power, load) * gain * powerFactor + spec.power.noise * n.gauss();
    } else power = off.power * gain + 0.1 * spec.power.noise * n.gauss();

    const metrics: Record<string, number> = {
      temperature: emit(spec.temperature, model.temperature + spec.temperature.noise * n.gauss()),
      vibration: emit(spec.vibration, vibration),
      pressure: emit(spec.pressure, model.pressure + spec.pressure.noise * n.gauss()),
      power: emit(spec.power, power),
    };
    for (const [name, extra] of model.extras) {
      const noise = extra.noise * n.gauss();
      if (extra.hold) {
        if (running || model.held[name] === undefined) model.held[name] = emit(extra, at(extra, running ? load : 0.75) * gain + noise);
        metrics[name] = model.held[name];
        continue;
      }
      const nominal = powered ? at(extra, load) : 0;
      const leakLoss = name === 'flow' || name === 'air_flow' ? 1 - 0.3 * leak : 1;
      // A stopped spindle or belt reads exactly zero, not noise around it.
      metrics[name] = nominal === 0 ? 0 : emit(extra, nominal * gain * leakLoss + noise);
    }

    const produced = running ? (spec.counter.perHour * load * gain * dt) / HOUR : 0;
    model.counter += produced;
    metrics[spec.counter.name] = Math.floor(model.counter);
    if (spec.rejectRate !== undefined) {
      // Quality suffers while the machine itself is in trouble; sensor and network faults do not touch the parts.
      const physical = kind !== undefined && kind !== 'stuck_sensor' && kind !== 'dropout';
      model.rejected += produced * spec.rejectRate * (physical ? 4 : 1);
      metrics.parts_rejected = Math.floor(model.rejected);
    }

    if (kind === 'stuck_sensor' && fault?.metric) {
      model.frozen ??= metrics[fault.metric];
      if (model.frozen !== undefined) metrics[fault.metric] = model.frozen;
    }
    if (kind === 'dropout') return null;
    return model.missing ? model.missing.deliver(ts, metrics) : metrics;
  }
}

const at = (spec: MetricSpec, load: number) => spec.idle + (spec.full - spec.idle) * load;
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const frac = (x: number) => x - Math.floor(x);

function emit(spec: MetricSpec, value: number): number {
  const scale = 10 ** spec.decimals;
  return Math.round(Math.max(0, value) * scale) / scale;
}
