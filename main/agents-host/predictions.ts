/**
 * The predictions the agents read, kept for the past day at one per machine, failure type and hour
 * (the riskiest of the hour): the ticket rules count hours, and a model scoring every reading must
 * not grow memory with the reading rate.
 */
import { DAY_MS, HOUR_MS, riskRank, type Prediction, type RiskLevel } from '../../agents/model';
import type { ConditionOutput } from '../../common/contract-models';
import type { ModelOutput } from '../inference/model-stage';
import type { EventMs } from '../../common/time';

/** Failure-probability bands of the risk levels; the alarm engine raises its predictive alarm at 0.7 too. */
export const riskOf = (p: number): RiskLevel => (p >= 0.7 ? 'high' : p >= 0.4 ? 'medium' : 'low');

export class PredictionWindow {
  private readonly byKey = new Map<string, Prediction>();
  private readonly fromModel = new Map<string, number>();

  /** `source` model: a model spoke for this machine, so the condition signal stays quiet for a while. */
  add(p: Prediction, source: 'model' | 'condition'): void {
    if (source === 'model') this.fromModel.set(p.machineId, Math.max(this.fromModel.get(p.machineId) ?? 0, p.ts));
    const key = `${p.machineId}\u0000${p.failureType}\u0000${Math.floor(p.ts / HOUR_MS)}`;
    const prev = this.byKey.get(key);
    if (!prev || riskRank(p.riskLevel) > riskRank(prev.riskLevel) || (p.riskLevel === prev.riskLevel && p.ts > prev.ts)) this.byKey.set(key, p);
  }

  hasModel(machineId: string, since: EventMs): boolean {
    return (this.fromModel.get(machineId) ?? Number.NEGATIVE_INFINITY) >= since;
  }

  /** The past day up to `ts`; older entries are dropped on the way. */
  window(ts: EventMs): Prediction[] {
    const out: Prediction[] = [];
    for (const [key, p] of this.byKey) {
      if (p.ts <= ts - DAY_MS) this.byKey.delete(key);
      else if (p.ts <= ts) out.push(p);
    }
    return out;
  }
}

/** What the failure type of a degrading machine is, from the sensors that drive its deviation. */
const TYPE_OF_ANOMALY: Record<string, string> = { thermal: 'overheating', vibration_bearing: 'bearing_wear', pressure_flow: 'leak', electrical: 'electrical', sensor_fault: 'sensor_fault' };

/**
 * The condition monitor's prognosis as the agents' prediction: its failure probability within the
 * horizon and the remaining life with its band. Nothing while the machine is learning.
 */
export function predictionOfCondition(o: ConditionOutput): Prediction | null {
  if (o.phase !== 'monitoring' || o.failureProbability === null || o.communicationLost) return null;
  const p = o.failureProbability;
  const driver = o.anomaly.type;
  return {
    machineId: o.machineId,
    ts: o.ts,
    failureProbability: p,
    failureType: (driver && TYPE_OF_ANOMALY[driver]) ?? 'degradation',
    rulHours: o.rul?.hours ?? null,
    rulLowHours: o.rul?.low ?? null,
    riskLevel: riskOf(p),
    source: 'condition-monitor',
  };
}

/**
 * The agents' predictions in a batch of model outputs: the condition monitor's prognosis, and the
 * failure model's probability and likely type. The failure model's RUL is in cycles, not hours, so
 * none is passed on.
 */
export function predictionsOf(outputs: readonly ModelOutput[]): Prediction[] {
  const out: Prediction[] = [];
  for (const o of outputs) {
    if (o.model === 'condition') {
      const prediction = predictionOfCondition(o.output);
      if (prediction) out.push(prediction);
      continue;
    }
    if (o.model !== 'failure' || o.output.state !== 'ok' || o.output.pFailure === null) continue;
    const p = o.output.pFailure;
    out.push({ machineId: o.output.machineId, ts: o.output.ts, failureProbability: p, failureType: o.output.likelyType ?? 'unclassified', rulHours: null, riskLevel: riskOf(p), source: 'failure-model' });
  }
  return out;
}
