/**
 * The energy agent and its baseline. The baseline follows ISO 50006: energy regressed on the
 * relevant variable (production), accepted only when it fits well enough to measure savings against;
 * the thresholds are ASHRAE Guideline 14's for hourly data: CV(RMSE) ≤ 30 % and |NMBE| ≤ 10 %.
 *
 * Recommendations (reduce load, standby, off-peak scheduling) carry their estimated kWh, CO2 and cost;
 * they become machine commands only after an operator approves them in the main process.
 */
import { localParts } from '../common/plant-time';
import { median, specificEnergy, totals } from './kpi';
import { AGENT, TOPIC, type ActivateReductionPayload } from './names';
import { HOUR_MS, type EmissionFactors, type MachineHour, type MachineInfo, type Tariff } from './model';
import type { Agent, ProposedDecision } from './sdk';
import { Moments } from '../common/moments';

export const CVRMSE_MAX = 0.3;
export const NMBE_MAX = 0.1;
/** Baseline parameters (intercept and slope): the p of ASHRAE's n − p degrees of freedom. */
const P = 2;

export interface Baseline {
  /** kWh per hour at zero production. */
  intercept: number;
  /** kWh per unit produced. */
  slope: number;
  n: number;
  cvRmse: number;
  nmbe: number;
  r2: number;
  accepted: boolean;
  /** Why it was not accepted; null when it was. */
  reason: string | null;
}

export function fitBaseline(points: readonly { production: number; kwh: number }[]): Baseline | null {
  const n = points.length;
  if (n <= P + 1) return null;
  const m = new Moments();
  for (const p of points) m.add(p.production, p.kwh);
  const my = m.meanY;
  // Without variation in production the load is flat: the mean is the whole model.
  const slope = m.slope();
  const intercept = my - slope * m.meanX;
  let sse = 0;
  let sres = 0;
  for (const p of points) {
    const r = p.kwh - (intercept + slope * p.production);
    sse += r * r;
    sres += r;
  }
  const sst = m.spreadY;
  if (!(my > 0)) return { intercept, slope, n, cvRmse: Infinity, nmbe: Infinity, r2: 0, accepted: false, reason: 'no energy was used in the baseline period' };
  const cvRmse = Math.sqrt(sse / (n - P)) / my;
  const nmbe = sres / ((n - P) * my);
  const r2 = sst > 0 ? 1 - sse / sst : 1;
  const reasons = [];
  if (cvRmse > CVRMSE_MAX) reasons.push(`CV(RMSE) ${(cvRmse * 100).toFixed(1)} % > ${CVRMSE_MAX * 100} %`);
  if (Math.abs(nmbe) > NMBE_MAX) reasons.push(`|NMBE| ${(Math.abs(nmbe) * 100).toFixed(1)} % > ${NMBE_MAX * 100} %`);
  return { intercept, slope, n, cvRmse, nmbe, r2, accepted: reasons.length === 0, reason: reasons.length ? reasons.join('; ') : null };
}

/** Savings against an accepted baseline: predicted minus actual kWh over the reporting hours. */
export function baselineSavings(baseline: Baseline, hours: readonly Pick<MachineHour, 'production' | 'kwh'>[]): { expectedKwh: number; actualKwh: number; savedKwh: number } {
  let expected = 0;
  let actual = 0;
  for (const h of hours) {
    expected += baseline.intercept + baseline.slope * h.production;
    actual += h.kwh;
  }
  return { expectedKwh: expected, actualKwh: actual, savedKwh: expected - actual };
}

/** Price per kWh at an instant; the tariff's days and hours are the plant's wall clock in `timeZone` (IANA). */
export function tariffPrice(tariff: Tariff, ts: number, timeZone = 'UTC'): { price: number; period: string } {
  const { weekday: day, hour } = localParts(timeZone, ts);
  for (const p of tariff.periods) {
    const inHours = p.fromHour <= p.toHour ? hour >= p.fromHour && hour < p.toHour : hour >= p.fromHour || hour < p.toHour;
    if (p.days.includes(day) && inHours) return { price: p.price, period: p.name };
  }
  return { price: tariff.defaultPrice, period: 'standard' };
}

/** The cheapest price the calendar offers in a week, where off-peak scheduling would move load to. */
export function cheapestPrice(tariff: Tariff): number {
  return Math.min(tariff.defaultPrice, ...tariff.periods.map((p) => p.price));
}

export interface EnergyInputs {
  machines: readonly MachineInfo[];
  /** Per machine, the past hours oldest first, the last being the latest complete hour. */
  hours: Readonly<Record<string, readonly MachineHour[]>>;
  tariff: Tariff;
  emissions: EmissionFactors;
  /** The plant's IANA time zone, for the tariff calendar. */
  timeZone: string;
  /** Machine types whose work can move in time (batch work, charging air receivers). */
  shiftableTypes: readonly string[];
  /** Standby draw as a share of idle draw. */
  standbyFactor: number;
}
export const ENERGY_INPUTS = ['machines', 'hours', 'tariff', 'emissions', 'timeZone', 'shiftableTypes', 'standbyFactor'] as const;

/** Specific energy above the type's median by more than this flags a low-efficiency machine. */
const LOW_EFFICIENCY = 1.2;
/** Reduction mode lowers that bar, as the optimizer asked for it. */
const LOW_EFFICIENCY_REDUCTION = 1.1;
/** An hour with under this share of the machine's usual production is idle. */
const IDLE_SHARE = 0.05;
const ESTIMATE_HOURS = 8;

export interface Estimate {
  kwh: number;
  co2Kg: number;
  co2MarketKg: number | null;
  cost: number;
}

export function estimate(kwh: number, inputs: Pick<EnergyInputs, 'emissions'>, price: number): Estimate {
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    kwh: round(kwh),
    co2Kg: round(kwh * inputs.emissions.locationKgPerKwh),
    co2MarketKg: inputs.emissions.marketKgPerKwh === null ? null : round(kwh * inputs.emissions.marketKgPerKwh),
    cost: round(kwh * price),
  };
}

/**
 * The recommendations for one run. `skip` leaves out machines already advised on their latest hour,
 * before any text is built: with hundreds of machines that is most of the work.
 */
export function energyRecommendations(inputs: EnergyInputs, ts: number, reduction: ActivateReductionPayload | null, skip: (machineId: string, hour: number) => boolean = () => false): ProposedDecision[] {
  const out: ProposedDecision[] = [];
  const { price, period } = tariffPrice(inputs.tariff, ts, inputs.timeZone);
  const cheapest = cheapestPrice(inputs.tariff);
  const byType = new Map<string, number[]>();
  const specific = new Map<string, number>();
  for (const m of inputs.machines) {
    const se = specificEnergy(totals(inputs.hours[m.id] ?? []));
    if (se === null) continue;
    specific.set(m.id, se);
    let list = byType.get(m.type);
    if (!list) byType.set(m.type, (list = []));
    list.push(se);
  }
  const typeMedian = new Map([...byType].map(([type, list]) => [type, list.length >= 3 ? median(list) : null]));
  const bar = reduction ? LOW_EFFICIENCY_REDUCTION : LOW_EFFICIENCY;

  for (const m of inputs.machines) {
    const hours = inputs.hours[m.id] ?? [];
    const last = hours[hours.length - 1];
    if (!last || last.avgKw === null || skip(m.id, last.hour)) continue;
    const history = totals(hours);
    const usualProduction = history.production / hours.length;

    if (usualProduction > 0 && last.production < IDLE_SHARE * usualProduction && last.kwh > 0) {
      const kwh = last.kwh * (1 - inputs.standbyFactor) * ESTIMATE_HOURS;
      const e = estimate(kwh, inputs, price);
      out.push({
        action: 'standby',
        target: m.id,
        explanation: `Put ${m.name} in standby: it produced ${last.production.toFixed(0)} in the last hour against a usual ${usualProduction.toFixed(0)}, yet drew ${last.avgKw.toFixed(1)} kW. Saves about ${e.kwh} kWh, ${e.co2Kg} kg CO2 and ${e.cost} ${inputs.tariff.currency} over ${ESTIMATE_HOURS} idle hours.`,
        inputs: { lastHour: last, usualProduction, standbyFactor: inputs.standbyFactor, price },
        params: { command: 'standby', machineId: m.id, estimate: e },
      });
      continue;
    }

    const se = specific.get(m.id);
    const med = typeMedian.get(m.type);
    if (se !== undefined && med && se > bar * med && history.production > 0) {
      const excessKwhPerHour = ((se - med) * history.production) / hours.length;
      const e = estimate(excessKwhPerHour * ESTIMATE_HOURS, inputs, price);
      out.push({
        action: 'reduce_load',
        target: m.id,
        explanation: `Reduce the load on ${m.name}: it uses ${se.toPrecision(3)} kWh per unit, ${(((se - med) / med) * 100).toFixed(0)} % above the median of its type${reduction ? ` (reduction mode: ${reduction.reason})` : ''}. Moving work to better machines of the type saves about ${e.kwh} kWh, ${e.co2Kg} kg CO2 and ${e.cost} ${inputs.tariff.currency} per ${ESTIMATE_HOURS} h.`,
        inputs: { specificEnergy: se, typeMedian: med, avgKw: last.avgKw, hours: hours.length },
        params: { command: 'reduce_load', machineId: m.id, estimate: e },
      });
      continue;
    }

    if (price > cheapest && inputs.shiftableTypes.includes(m.type) && last.kwh > 0) {
      const costSaved = Math.round(last.kwh * (price - cheapest) * ESTIMATE_HOURS * 100) / 100;
      out.push({
        action: 'schedule_off_peak',
        target: m.id,
        explanation: `Move ${m.name}'s shiftable work out of the ${period} tariff (${price} ${inputs.tariff.currency}/kWh) to off-peak hours (${cheapest}): about ${costSaved} ${inputs.tariff.currency} per ${ESTIMATE_HOURS} h; energy and CO2 stay the same.`,
        inputs: { price, cheapest, period, lastKwh: last.kwh },
        params: { command: 'schedule_off_peak', machineId: m.id, estimate: { kwh: 0, co2Kg: 0, co2MarketKg: 0, cost: costSaved } },
      });
    }
  }
  return out;
}

export function createEnergyAgent(options: { periodMs?: number } = {}): Agent {
  /** Machine -> hour of its last recommendation: one per machine per hour of data is enough. */
  const lastHour = new Map<string, number>();
  let reduction: { payload: ActivateReductionPayload; until: number } | null = null;
  return {
    name: AGENT.energy,
    periodMs: options.periodMs ?? 15 * 60_000,
    inputs: ENERGY_INPUTS,
    actions: ['reduce_load', 'standby', 'schedule_off_peak'],
    run(ctx) {
      const inputs = ctx.inputs as unknown as EnergyInputs;
      for (const m of ctx.inbox) if (m.topic === TOPIC.activateReduction) reduction = { payload: m.payload as ActivateReductionPayload, until: ctx.ts + HOUR_MS };
      if (reduction && ctx.ts >= reduction.until) reduction = null;
      const decisions = energyRecommendations(inputs, ctx.ts, reduction?.payload ?? null, (machineId, hour) => lastHour.get(machineId) === hour);
      for (const d of decisions) {
        const hours = inputs.hours[d.target!]!;
        lastHour.set(d.target!, hours[hours.length - 1]!.hour);
      }
      return { decisions };
    },
  };
}
