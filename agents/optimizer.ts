/**
 * The plant optimizer: the orchestrator. Every run it collects each machine's KPIs (health from the
 * predictions, OEE, energy, alarm load), looks for opportunities, directs the other agents by
 * message, and later checks each action it took against what it expected of it, so the shift and
 * daily reports can say which actions paid off; one that did not is held back or escalated
 * (./optimizer-adjust).
 */
import { demonstratedRate, oee, specificEnergy, totals, type Oee } from './kpi';
import { AGENT, MONITORING_FACTOR, MONITORING_HOURS, TOPIC, type ActivateReductionPayload, type IncreaseMonitoringPayload, type InspectionTicketPayload } from './names';
import { HOUR_MS, riskRank, type MachineHour, type MachineInfo, type Prediction, type RiskLevel, type TicketRef } from './model';
import { adjustment, isHeld, type Hold } from './optimizer-adjust';
import type { Agent, OutgoingMessage, ProposedDecision } from './sdk';
import type { EventMs } from '../common/time';

export const SHIFT_HOURS = 8;
/** EEMUA 191: more than about 6 alarms an hour on one machine is more than an operator can act on. */
export const ALARM_LOAD_HIGH = 6;
/** OEE below this, on a machine whose type does better elsewhere, is worth a look. */
export const OEE_LOW = 0.6;
/** Plant energy per unit this far above the plant's own recent level triggers reduction mode. */
export const ENERGY_EXCESS = 1.1;
const REPEAT_MS = 4 * HOUR_MS;
const EVALUATE_AFTER_MS = 2 * HOUR_MS;

export interface MachineKpi {
  machineId: string;
  name: string;
  type: string;
  risk: RiskLevel | null;
  failureProbability: number | null;
  /** Over the last shift. */
  oee: Oee | null;
  kwhLastHour: number;
  avgKwLastHour: number | null;
  /** Per unit produced, last shift. */
  specificEnergy: number | null;
  alarmsLastHour: number;
}

export interface OptimizerInputs {
  machines: readonly MachineInfo[];
  hours: Readonly<Record<string, readonly MachineHour[]>>;
  predictions: readonly Prediction[];
  alarmCounts: Readonly<Record<string, number>>;
  /**
   * The optimizer's expectations not yet evaluated. Each rides in its decision's params.expectation;
   * the host reads them back from the decision log at start, so they and their evaluation survive a restart.
   */
  expectations?: readonly Expectation[];
  /** Open tickets and those closed lately: an open one on a machine is a finding a person acts on. */
  tickets?: readonly TicketRef[];
  /** Recommendations held back after one did not work (./optimizer-adjust), read back from the decision log like the expectations. */
  holds?: readonly Hold[];
}
export const OPTIMIZER_INPUTS = ['machines', 'hours', 'predictions', 'alarmCounts', 'expectations', 'tickets', 'holds'] as const;

/** Each machine's KPIs; the analytics screen and the reports use the same function. */
export function machineKpis(inputs: OptimizerInputs): MachineKpi[] {
  const latest = new Map<string, Prediction>();
  for (const p of inputs.predictions) {
    const prev = latest.get(p.machineId);
    if (!prev || p.ts > prev.ts || (p.ts === prev.ts && riskRank(p.riskLevel) > riskRank(prev.riskLevel))) latest.set(p.machineId, p);
  }
  return inputs.machines.map((m) => {
    const hours = inputs.hours[m.id] ?? [];
    const shift = hours.slice(-SHIFT_HOURS);
    const last = hours[hours.length - 1];
    const p = latest.get(m.id);
    return {
      machineId: m.id,
      name: m.name,
      type: m.type,
      risk: p?.riskLevel ?? null,
      failureProbability: p?.failureProbability ?? null,
      oee: oee(shift, demonstratedRate(hours)),
      kwhLastHour: last?.kwh ?? 0,
      avgKwLastHour: last?.avgKw ?? null,
      specificEnergy: specificEnergy(totals(shift)),
      alarmsLastHour: inputs.alarmCounts[m.id] ?? 0,
    };
  });
}

/** What the optimizer expects of an action, kept in its decision's params.expectation. */
export interface ExpectedOutcome {
  what: string;
  machineId: string | null;
  /** risk: the machine's failure risk as a rank (0 low, 1 medium, 2 high). */
  metric: 'oee' | 'plantSpecificEnergy' | 'risk';
  before: number;
  /** The value that counts as success: at least (oee) or at most (energy, risk). */
  target: number;
  /** When it is evaluated. */
  checkAt: EventMs;
}
export interface Expectation extends ExpectedOutcome {
  decisionId: string;
}

const RISK_NAMES = ['low', 'medium', 'high'] as const;
const METRIC_WORDS: Record<ExpectedOutcome['metric'], string> = { oee: 'OEE', plantSpecificEnergy: 'plant energy per unit', risk: 'failure risk' };
const valueWords = (metric: ExpectedOutcome['metric'], v: number) => (metric === 'risk' ? (RISK_NAMES[v] ?? String(v)) : v.toPrecision(3));

function plantSpecificEnergy(inputs: OptimizerInputs, fromHour: number, toHour: number): number | null {
  return specificEnergyOf(Object.values(inputs.hours), fromHour, toHour);
}

function specificEnergyOf(machines: readonly (readonly MachineHour[])[], fromHour: number, toHour: number): number | null {
  let kwh = 0;
  let production = 0;
  for (const hours of machines) {
    for (const h of hours) {
      if (h.hour < fromHour || h.hour >= toHour) continue;
      kwh += h.kwh;
      production += h.production;
    }
  }
  return production > 0 ? kwh / production : null;
}

/** The machine whose energy per unit rose most in the last hour against its past day; null when none rose. */
function worstEnergyRise(inputs: OptimizerInputs, hour: number): { machineId: string; lastHour: number; usual: number } | null {
  let worst: { machineId: string; lastHour: number; usual: number } | null = null;
  for (const [machineId, hours] of Object.entries(inputs.hours)) {
    const lastHour = specificEnergyOf([hours], hour - HOUR_MS, hour);
    const usual = specificEnergyOf([hours], hour - 25 * HOUR_MS, hour - HOUR_MS);
    if (lastHour === null || usual === null || lastHour <= usual) continue;
    if (!worst || lastHour / usual > worst.lastHour / worst.usual) worst = { machineId, lastHour, usual };
  }
  return worst;
}

export function createOptimizerAgent(options: { periodMs?: number } = {}): Agent {
  const lastSent = new Map<string, number>();
  const due = (key: string, ts: number) => {
    const last = lastSent.get(key);
    if (last !== undefined && ts - last < REPEAT_MS) return false;
    lastSent.set(key, ts);
    return true;
  };
  return {
    name: AGENT.optimizer,
    periodMs: options.periodMs ?? 15 * 60_000,
    inputs: OPTIMIZER_INPUTS,
    actions: ['request_monitoring', 'request_energy_reduction', 'flag_oee_loss', 'flag_alarm_load', 'evaluate_action', 'hold_recommendation', 'escalate_inspection', 'flag_energy_excess'],
    run(ctx) {
      const inputs = ctx.inputs as unknown as OptimizerInputs;
      const kpis = machineKpis(inputs);
      const decisions: ProposedDecision[] = [];
      const messages: OutgoingMessage[] = [];
      const byId = new Map(kpis.map((k) => [k.machineId, k]));
      const holds: Omit<Hold, 'decisionId'>[] = [...(inputs.holds ?? [])];

      // Results first, so an evaluation and a fresh action on the same machine read in that order.
      for (const e of inputs.expectations ?? []) {
        if (ctx.ts < e.checkAt) continue;
        const hour = Math.floor(ctx.ts / HOUR_MS) * HOUR_MS;
        const risk = byId.get(e.machineId ?? '')?.risk;
        const after =
          e.metric === 'oee' ? (byId.get(e.machineId!)?.oee?.oee ?? null) : e.metric === 'risk' ? (risk ? riskRank(risk) : null) : plantSpecificEnergy(inputs, hour - EVALUATE_AFTER_MS, hour);
        const met = after !== null && (e.metric === 'oee' ? after >= e.target : after <= e.target);
        const words = METRIC_WORDS[e.metric];
        const result = after === null ? 'no data to judge the result yet' : `${words} went from ${valueWords(e.metric, e.before)} to ${valueWords(e.metric, after)}, expected ${e.metric === 'oee' ? 'at least' : 'at most'} ${valueWords(e.metric, e.target)}`;
        decisions.push({
          action: 'evaluate_action',
          target: e.decisionId,
          explanation: `${e.what}: ${result}: ${met ? 'met' : 'not met'}.`,
          inputs: { before: e.before, after, target: e.target, metric: e.metric },
          params: { decisionId: e.decisionId, met, before: e.before, after, target: e.target },
        });
        const adjusted = adjustment(e, after, met, inputs.tickets ?? [], byId.get(e.machineId ?? '')?.name ?? e.machineId ?? 'the plant', result, ctx.ts);
        if (!adjusted) continue;
        decisions.push(adjusted.decision);
        holds.push(adjusted.hold);
        if (adjusted.inspection) {
          const payload: InspectionTicketPayload = adjusted.inspection;
          messages.push({ to: AGENT.maintenance, topic: TOPIC.inspectionTicket, payload });
        }
      }

      for (const k of kpis) {
        if (k.risk !== null && k.risk !== 'low' && !isHeld(holds, 'request_monitoring', k.machineId, ctx.ts) && due(`monitor:${k.machineId}`, ctx.ts)) {
          const reason = `${k.risk} failure risk (probability ${((k.failureProbability ?? 0) * 100).toFixed(0)} %)`;
          // The closer watch should see maintenance bring the risk back to low within its hours.
          const expectation: ExpectedOutcome = { what: `Closer monitoring of ${k.name}`, machineId: k.machineId, metric: 'risk', before: riskRank(k.risk), target: 0, checkAt: ctx.ts + MONITORING_HOURS * HOUR_MS };
          decisions.push({
            action: 'request_monitoring',
            target: k.machineId,
            explanation: `Asked maintenance to increase monitoring of ${k.name} for ${MONITORING_HOURS} h: ${reason}. Expect its risk back to low by then.`,
            inputs: { risk: k.risk, failureProbability: k.failureProbability },
            params: { machineId: k.machineId, hours: MONITORING_HOURS, factor: MONITORING_FACTOR, expectation },
          });
          const payload: IncreaseMonitoringPayload = { machineId: k.machineId, reason, hours: MONITORING_HOURS, factor: MONITORING_FACTOR };
          messages.push({ to: AGENT.maintenance, topic: TOPIC.increaseMonitoring, payload });
        }
        if (k.alarmsLastHour > ALARM_LOAD_HIGH && due(`alarms:${k.machineId}`, ctx.ts)) {
          decisions.push({
            action: 'flag_alarm_load',
            target: k.machineId,
            explanation: `${k.name} raised ${k.alarmsLastHour} alarms in the last hour, above the ${ALARM_LOAD_HIGH} an operator can act on (EEMUA 191): review its limits and deadbands for chattering alarms.`,
            inputs: { alarmsLastHour: k.alarmsLastHour },
            params: { machineId: k.machineId },
          });
        }
      }

      const oeeByType = new Map<string, number[]>();
      for (const k of kpis) if (k.oee) (oeeByType.get(k.type) ?? oeeByType.set(k.type, []).get(k.type)!).push(k.oee.oee);
      for (const k of kpis) {
        if (!k.oee || k.oee.oee >= OEE_LOW) continue;
        const best = Math.max(...(oeeByType.get(k.type) ?? [0]));
        if (best <= k.oee.oee + 0.05 || isHeld(holds, 'flag_oee_loss', k.machineId, ctx.ts) || !due(`oee:${k.machineId}`, ctx.ts)) continue;
        const losses = { availability: 1 - k.oee.availability, performance: 1 - k.oee.performance, quality: 1 - k.oee.quality };
        const worst = (Object.keys(losses) as (keyof typeof losses)[]).reduce((a, b) => (losses[b] > losses[a] ? b : a));
        const target = Math.min(best, k.oee.oee + 0.05);
        const expectation: ExpectedOutcome = { what: `OEE action on ${k.name}`, machineId: k.machineId, metric: 'oee', before: k.oee.oee, target, checkAt: ctx.ts + EVALUATE_AFTER_MS * 4 };
        decisions.push({
          action: 'flag_oee_loss',
          target: k.machineId,
          explanation: `OEE of ${k.name} is ${(k.oee.oee * 100).toFixed(0)} % over the shift against ${(best * 100).toFixed(0)} % on the best ${k.type}; the largest loss is ${worst} (${(k.oee[worst] * 100).toFixed(0)} %). Expect at least ${(target * 100).toFixed(0)} % once it is addressed.`,
          inputs: { oee: k.oee, bestOfType: best },
          params: { machineId: k.machineId, loss: worst, expectedOee: target, expectation },
        });
      }

      const hour = Math.floor(ctx.ts / HOUR_MS) * HOUR_MS;
      const lastHour = plantSpecificEnergy(inputs, hour - HOUR_MS, hour);
      const usual = plantSpecificEnergy(inputs, hour - 25 * HOUR_MS, hour - HOUR_MS);
      const excess = lastHour !== null && usual !== null && lastHour > ENERGY_EXCESS * usual;
      // Reduction mode that did not work last time is not asked again while held: the machine behind the excess is named instead.
      if (excess && isHeld(holds, 'request_energy_reduction', null, ctx.ts) && due('energy', ctx.ts)) {
        const worst = worstEnergyRise(inputs, hour);
        if (worst) {
          const name = byId.get(worst.machineId)?.name ?? worst.machineId;
          decisions.push({
            action: 'flag_energy_excess',
            target: worst.machineId,
            explanation: `Plant energy per unit is still ${(((lastHour - usual) / usual) * 100).toFixed(0)} % above the past day, and reduction mode did not bring it back last time: ${name}'s energy per unit rose most, from ${worst.usual.toPrecision(3)} to ${worst.lastHour.toPrecision(3)} kWh. Check it for losses (leaks, idling, wear) rather than reducing load again.`,
            inputs: { lastHour, usual, machine: worst },
            params: { machineId: worst.machineId },
          });
        }
      } else if (excess && due('energy', ctx.ts)) {
        const kwhLastHour = kpis.reduce((s, k) => s + k.kwhLastHour, 0);
        const expectedKwh = Math.round(kwhLastHour * (1 - usual / lastHour) * 10) / 10;
        const expectation: ExpectedOutcome = { what: 'Energy reduction mode', machineId: null, metric: 'plantSpecificEnergy', before: lastHour, target: usual * ENERGY_EXCESS, checkAt: ctx.ts + EVALUATE_AFTER_MS };
        decisions.push({
          action: 'request_energy_reduction',
          explanation: `Plant energy per unit produced was ${lastHour.toPrecision(3)} kWh in the last hour, ${(((lastHour - usual) / usual) * 100).toFixed(0)} % above the past day's ${usual.toPrecision(3)}: asked the energy agent to activate reduction mode, expecting about ${expectedKwh} kWh less per hour.`,
          inputs: { lastHour, usual, kwhLastHour },
          params: { expectedKwh, expectation },
        });
        const payload: ActivateReductionPayload = { reason: `plant energy per unit ${(((lastHour - usual) / usual) * 100).toFixed(0)} % above the past day`, expectedKwh };
        messages.push({ to: AGENT.energy, topic: TOPIC.activateReduction, payload });
      }
      return { decisions, messages };
    },
  };
}
