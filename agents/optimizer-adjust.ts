/**
 * What the plant optimizer changes when one of its actions did not bring what it expected ("track
 * results and adjust"). Repeating an action that did not work only costs the operators attention, so
 * a failed action is held back for a day, and where the risk it addressed stays high and nobody has a
 * ticket for the machine, a technician is asked to look instead.
 *
 * - Closer monitoring (risk) not met, the machine still at high risk and no open ticket for it: an
 *   inspection ticket is asked of maintenance, and the heightening is not repeated meanwhile.
 * - Closer monitoring not met, risk still medium, no open ticket: the 8 h at lowered thresholds found
 *   nothing anybody confirmed; the heightening is not repeated for that machine for a day.
 * - An open ticket for the machine is a confirmed finding a person acts on: nothing is adjusted.
 * - OEE action not met: the same flag is not raised again for that machine for a day.
 * - Energy reduction not met: reduction mode is not asked again for a day; while the excess stays,
 *   the optimizer names the machine whose energy per unit rose most instead.
 *
 * Each adjustment is a decision of its own, with the hold in params.hold; the host reads the holds
 * back from the decision log at start, so they survive a restart.
 */
import { HOUR_MS, riskRank, type TicketRef } from './model';
import type { Expectation } from './optimizer';
import type { ProposedDecision } from './sdk';

/** One shift plus the next two: long enough that a day's pattern does not bring the same action straight back. */
export const HOLD_HOURS = 24;

/** Recommendations the optimizer holds back after one of them did not work. */
export const HELD_RECOMMENDATIONS = ['request_monitoring', 'flag_oee_loss', 'request_energy_reduction'] as const;
export type HeldRecommendation = (typeof HELD_RECOMMENDATIONS)[number];

/** A recommendation not made again for one machine (or the plant, machineId null) before `until` (event time). */
export interface Hold {
  recommendation: HeldRecommendation;
  machineId: string | null;
  until: number;
  /** The adjustment decision that set it. */
  decisionId: string;
}

const RECOMMENDATION_OF: Record<Expectation['metric'], HeldRecommendation> = { risk: 'request_monitoring', oee: 'flag_oee_loss', plantSpecificEnergy: 'request_energy_reduction' };

export const isHeld = (holds: readonly Omit<Hold, 'decisionId'>[], recommendation: HeldRecommendation, machineId: string | null, ts: number): boolean =>
  holds.some((h) => h.recommendation === recommendation && h.machineId === machineId && ts < h.until);

export interface Adjustment {
  decision: ProposedDecision;
  hold: Omit<Hold, 'decisionId'>;
  /** Set when maintenance is asked for an inspection ticket. */
  inspection?: { machineId: string; reason: string };
}

/**
 * The adjustment for one evaluated expectation, or null when it was met, could not be judged, or an
 * open ticket shows a person already acts on the finding. `after` is the measured value (a risk rank
 * for risk), `result` the evaluation's own words.
 */
export function adjustment(e: Expectation, after: number | null, met: boolean, tickets: readonly TicketRef[], machineName: string, result: string, ts: number): Adjustment | null {
  if (met || after === null) return null;
  const recommendation = RECOMMENDATION_OF[e.metric];
  const hold = { recommendation, machineId: e.machineId, until: ts + HOLD_HOURS * HOUR_MS };
  const base = { evaluationOf: e.decisionId, hold };

  if (e.metric === 'risk') {
    const open = tickets.find((t) => t.machineId === e.machineId && t.status !== 'closed');
    if (open) return null;
    if (after >= riskRank('high')) {
      const reason = `closer monitoring for its hours did not bring its failure risk down (${result}) and no ticket is open for it`;
      return {
        hold,
        inspection: { machineId: e.machineId!, reason },
        decision: {
          action: 'escalate_inspection',
          target: e.machineId!,
          explanation: `${machineName} is still at high failure risk after closer monitoring (${result}) and no ticket is open for it: asked maintenance for an inspection ticket, so a technician looks at it. Its anomaly thresholds are not lowered again for ${HOLD_HOURS} h; more alarms would not tell more than the inspection.`,
          inputs: { after, target: e.target, before: e.before, openTickets: 0 },
          params: { ...base, machineId: e.machineId },
        },
      };
    }
    return {
      hold,
      decision: {
        action: 'hold_recommendation',
        target: e.machineId!,
        explanation: `Closer monitoring of ${machineName} found nothing anybody confirmed and its failure risk stays raised (${result}), with no ticket open for it: not heightened again for ${HOLD_HOURS} h, so the operators are not kept on lowered thresholds without a result. The maintenance agent's ticket rules still watch the risk.`,
        inputs: { after, target: e.target, before: e.before, openTickets: 0 },
        params: { ...base, machineId: e.machineId },
      },
    };
  }
  if (e.metric === 'oee') {
    return {
      hold,
      decision: {
        action: 'hold_recommendation',
        target: e.machineId!,
        explanation: `The OEE loss flagged on ${machineName} was not recovered (${result}): not flagged again for ${HOLD_HOURS} h; the same note again would not change it. It stays in the shift report.`,
        inputs: { after, target: e.target, before: e.before },
        params: { ...base, machineId: e.machineId },
      },
    };
  }
  return {
    hold,
    decision: {
      action: 'hold_recommendation',
      target: 'plant',
      explanation: `Reduction mode did not bring plant energy per unit back (${result}): not asked again for ${HOLD_HOURS} h, as the excess is not in the loads it shifts. While the excess stays, the optimizer names the machine whose energy per unit rose most.`,
      inputs: { after, target: e.target, before: e.before },
      params: { ...base, machineId: null },
    },
  };
}
