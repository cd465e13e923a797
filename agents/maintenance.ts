/**
 * The maintenance agent: turns failure predictions into tickets, with hysteresis so that one noisy
 * hour does not page a technician and a repaired machine is not ticketed again while it settles.
 *
 * A ticket is opened for a machine and failure type when, over the past day, any hour was at high
 * risk, or medium-or-worse risk held 3 hours in a row or 6 hours in all; and no ticket for the same
 * machine and type is open or was closed less than 2 days ago.
 */
import { AGENT, INSPECTION_FAILURE_TYPE, MONITORING_FACTOR, MONITORING_HOURS, TOPIC, type IncreaseMonitoringPayload, type InspectionTicketPayload, type PrepareSparesPayload } from './names';
import { DAY_MS, HOUR_MS, riskRank, type MachineInfo, type PartInfo, type Prediction, type RiskLevel, type TicketPriority, type TicketRef } from './model';
import { repairPlan } from './repair-steps';
import type { Agent, OutgoingMessage, ProposedDecision } from './sdk';
import type { EventMs } from '../common/time';

export const CONSECUTIVE_MEDIUM_HOURS = 3;
export const TOTAL_MEDIUM_HOURS = 6;
export const REOPEN_QUIET_MS = 2 * DAY_MS;

export interface TicketTrigger {
  rule: 'high' | 'medium-consecutive' | 'medium-total';
  /** Hours of the past day at medium or worse risk. */
  hoursAtRisk: number;
  longestRun: number;
  worst: RiskLevel;
  latest: Prediction;
}

/** Applies the rule to one machine's predictions of one failure type; null when it does not fire. */
export function ticketTrigger(predictions: readonly Prediction[], now: number): TicketTrigger | null {
  const from = now - DAY_MS;
  const hourRisk = new Map<number, number>();
  let latest: Prediction | null = null;
  for (const p of predictions) {
    if (p.ts <= from || p.ts > now) continue;
    const hour = Math.floor(p.ts / HOUR_MS);
    hourRisk.set(hour, Math.max(hourRisk.get(hour) ?? 0, riskRank(p.riskLevel)));
    if (!latest || p.ts >= latest.ts) latest = p;
  }
  if (!latest) return null;
  const hours = [...hourRisk.keys()].sort((a, b) => a - b);
  let worst = 0;
  let atRisk = 0;
  let run = 0;
  let longest = 0;
  let prev: number | null = null;
  for (const h of hours) {
    const r = hourRisk.get(h)!;
    worst = Math.max(worst, r);
    if (r >= riskRank('medium')) {
      atRisk++;
      run = prev !== null && h === prev + 1 && hourRisk.get(prev)! >= riskRank('medium') ? run + 1 : 1;
      longest = Math.max(longest, run);
    } else {
      run = 0;
    }
    prev = h;
  }
  const base = { hoursAtRisk: atRisk, longestRun: longest, worst: worst === 2 ? 'high' : worst === 1 ? 'medium' : 'low', latest } as const;
  if (worst >= riskRank('high')) return { rule: 'high', ...base };
  if (longest >= CONSECUTIVE_MEDIUM_HOURS) return { rule: 'medium-consecutive', ...base };
  if (atRisk >= TOTAL_MEDIUM_HOURS) return { rule: 'medium-total', ...base };
  return null;
}

/** Why a new ticket must not be opened, or null when it may. */
export function ticketBlockedBy(tickets: readonly TicketRef[], machineId: string, failureType: string, now: number): string | null {
  for (const t of tickets) {
    if (t.machineId !== machineId || t.failureType !== failureType) continue;
    if (t.status !== 'closed') return `ticket #${t.id} is still ${t.status}`;
    if (t.closedAt !== null && now - t.closedAt < REOPEN_QUIET_MS) return `ticket #${t.id} was closed less than 2 days ago`;
  }
  return null;
}

export const partsFor = (parts: readonly PartInfo[], machineType: string, failureType: string): PartInfo[] =>
  parts.filter((p) => p.failureTypes.includes(failureType) && (p.machineTypes.length === 0 || p.machineTypes.includes(machineType)));

function priorityOf(trigger: TicketTrigger): TicketPriority {
  const p = trigger.latest;
  if (trigger.rule === 'high') return p.failureProbability >= 0.9 || (p.rulHours !== null && p.rulHours < 24) ? 'critical' : 'high';
  return 'medium';
}

function describeRule(t: TicketTrigger): string {
  switch (t.rule) {
    case 'high':
      return 'risk reached high within the past day';
    case 'medium-consecutive':
      return `risk was medium or worse for ${t.longestRun} hours in a row`;
    case 'medium-total':
      return `risk was medium or worse for ${t.hoursAtRisk} hours of the past day`;
  }
}

export interface MaintenanceInputs {
  predictions: readonly Prediction[];
  tickets: readonly TicketRef[];
  machines: readonly MachineInfo[];
  parts: readonly PartInfo[];
  labourRate: number;
}

export const MAINTENANCE_INPUTS = ['predictions', 'tickets', 'machines', 'parts', 'labourRate'] as const;

/** The ticket the optimizer asks for when closer monitoring did not bring a high risk down; null while one is open or closed lately. */
function inspectionTicket({ machineId, reason }: InspectionTicketPayload, machine: MachineInfo | undefined, inputs: MaintenanceInputs, ts: number): ProposedDecision | null {
  if (ticketBlockedBy(inputs.tickets, machineId, INSPECTION_FAILURE_TYPE, ts) !== null) return null;
  const name = machine?.name ?? machineId;
  const plan = repairPlan(INSPECTION_FAILURE_TYPE);
  return {
    action: 'open_ticket',
    target: machineId,
    explanation: `Open a high maintenance ticket to inspect ${name}, as the plant optimizer asked: ${reason}.`,
    inputs: { from: AGENT.optimizer, reason },
    params: {
      machineId,
      failureType: INSPECTION_FAILURE_TYPE,
      priority: 'high',
      title: `${name}: inspect, risk stays high`,
      description: `Asked by the plant optimizer: ${reason}.`,
      repairSteps: plan.steps,
      costEstimate: Math.round(plan.labourHours * inputs.labourRate * 100) / 100,
      parts: [],
    },
  };
}

export function createMaintenanceAgent(options: { periodMs?: number } = {}): Agent {
  /** Machine -> its last inspection request, so a repeated message asks once a day. */
  const inspected = new Map<string, EventMs>();
  return {
    name: AGENT.maintenance,
    periodMs: options.periodMs ?? 5 * 60_000,
    inputs: MAINTENANCE_INPUTS,
    actions: ['open_ticket', 'schedule_inspection', 'heighten_monitoring'],
    run(ctx) {
      const inputs = ctx.inputs as unknown as MaintenanceInputs;
      const machines = new Map(inputs.machines.map((m) => [m.id, m]));
      const decisions: ProposedDecision[] = [];
      const messages: OutgoingMessage[] = [];

      const groups = new Map<string, Prediction[]>();
      for (const p of inputs.predictions) {
        const key = `${p.machineId}\u0000${p.failureType}`;
        let list = groups.get(key);
        if (!list) groups.set(key, (list = []));
        list.push(p);
      }
      for (const list of groups.values()) {
        const trigger = ticketTrigger(list, ctx.ts);
        if (!trigger) continue;
        const { machineId, failureType } = trigger.latest;
        if (ticketBlockedBy(inputs.tickets, machineId, failureType, ctx.ts) !== null) continue;
        const machine = machines.get(machineId);
        const machineType = machine?.type ?? 'unknown';
        const plan = repairPlan(failureType);
        const parts = partsFor(inputs.parts, machineType, failureType);
        const partsCost = parts.reduce((sum, p) => sum + p.unitPrice, 0);
        const costEstimate = Math.round((partsCost + plan.labourHours * inputs.labourRate) * 100) / 100;
        const rul = trigger.latest.rulHours === null ? 'no remaining-life estimate' : `about ${Math.round(trigger.latest.rulHours)} h of remaining life`;
        const reason = `${describeRule(trigger)}; latest failure probability ${(trigger.latest.failureProbability * 100).toFixed(0)} %, ${rul}`;
        decisions.push({
          action: 'open_ticket',
          target: machineId,
          explanation: `Open a ${priorityOf(trigger)} maintenance ticket for ${machine?.name ?? machineId}: predicted ${failureType.replaceAll('_', ' ')} (${reason}).`,
          inputs: { rule: trigger.rule, hoursAtRisk: trigger.hoursAtRisk, longestRun: trigger.longestRun, worst: trigger.worst, latest: trigger.latest },
          confidence: trigger.latest.failureProbability,
          params: {
            machineId,
            failureType,
            priority: priorityOf(trigger),
            title: `${machine?.name ?? machineId}: predicted ${failureType.replaceAll('_', ' ')}`,
            description: `Opened by the maintenance agent: ${reason}.`,
            repairSteps: plan.steps,
            costEstimate,
            parts: parts.map((p) => p.id),
          },
        });
        const failureLowHours = trigger.latest.rulLowHours ?? trigger.latest.rulHours;
        const payload: PrepareSparesPayload = {
          machineId,
          machineType,
          failureType,
          failureLowTs: failureLowHours === null ? null : trigger.latest.ts + failureLowHours * HOUR_MS,
          ticketReason: reason,
        };
        messages.push({ to: AGENT.procurement, topic: TOPIC.prepareSpares, payload });
      }

      for (const m of ctx.inbox) {
        if (m.topic === TOPIC.inspectionTicket) {
          const inspection = inspectionTicket(m.payload as InspectionTicketPayload, machines.get((m.payload as InspectionTicketPayload).machineId), inputs, ctx.ts);
          if (inspection) decisions.push(inspection);
          continue;
        }
        if (m.topic !== TOPIC.increaseMonitoring) continue;
        const { machineId, reason, hours: askedHours, factor: askedFactor } = m.payload as IncreaseMonitoringPayload;
        // Every request heightens (a later one extends it); the inspection below is asked for once a day.
        const hours = typeof askedHours === 'number' && askedHours > 0 && askedHours <= 24 * 7 ? askedHours : MONITORING_HOURS;
        const factor = typeof askedFactor === 'number' && askedFactor > 0 && askedFactor <= 1 ? askedFactor : MONITORING_FACTOR;
        decisions.push({
          action: 'heighten_monitoring',
          target: machineId,
          explanation: `Watch ${machines.get(machineId)?.name ?? machineId} closer for ${hours} h: its anomaly thresholds at ${Math.round(factor * 100)} % of their usual level, as the plant optimizer asked (${reason}).`,
          inputs: { from: m.from, reason, hours, factor },
          params: { machineId, until: ctx.ts + hours * HOUR_MS, factor, reason },
        });
        const last = inspected.get(machineId);
        if (last !== undefined && ctx.ts - last < DAY_MS) continue;
        inspected.set(machineId, ctx.ts);
        decisions.push({
          action: 'schedule_inspection',
          target: machineId,
          explanation: `Inspect ${machines.get(machineId)?.name ?? machineId} on the next round and check its predictions hourly: the plant optimizer asked to increase monitoring (${reason}).`,
          inputs: { from: m.from, reason },
          params: { machineId },
        });
      }
      return { decisions, messages };
    },
  };
}
