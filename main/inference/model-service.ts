/** The model calls of the contract, over the inference stage and the store. */
import type { CallResponse } from '../../common/contract';
import { CallFailure } from '../../common/errors';
import type { ModelOutputRepository } from './model-outputs';
import type { ConditionRepository } from './condition/condition-repository';
import type { ModelStage } from './model-stage';

export interface ModelService {
  status(): CallResponse<'models.status'>;
  machine(machineId: string): CallResponse<'models.machine'>;
  events(machineId: string, limit: number): CallResponse<'models.anomalyEvents'>;
  recalibrate(machineId: string): CallResponse<'models.recalibrate'>;
  conditions(): CallResponse<'models.conditions'>;
  healthHistory(machineId: string, from: number, to: number): CallResponse<'models.healthHistory'>;
  stateHistory(machineId: string, from: number, to: number): CallResponse<'models.stateHistory'>;
  markNormal(machineId: string, note: string, user: { username: string }): CallResponse<'models.markNormal'>;
}

/** A day of health points at one per five minutes is 288; a month is under 10,000. */
const HISTORY_LIMIT = 10_000;

export function createModelService(stage: ModelStage, repository: ModelOutputRepository, knownMachine: (id: string) => boolean, conditions?: ConditionRepository): ModelService {
  const known = (machineId: string) => {
    if (!knownMachine(machineId)) throw new CallFailure('not_found', `no machine ${machineId}`);
  };
  return {
    status: () => ({ ...stage.health(), models: stage.statuses() }),
    machine(machineId) {
      known(machineId);
      const cal = stage.anomaly?.calibration(machineId) ?? null;
      const calibrating = stage.anomaly?.calibrating(machineId) ?? false;
      return {
        ...stage.latestOf(machineId),
        calibration: {
          state: calibrating ? 'calibrating' : cal ? 'calibrated' : 'none',
          sensors: cal?.sensors ?? [],
          threshold: cal && Number.isFinite(cal.threshold) ? cal.threshold : null,
          from: cal?.from ?? null,
          to: cal?.to ?? null,
        },
      };
    },
    events(machineId, limit) {
      known(machineId);
      return repository.events(machineId, limit);
    },
    recalibrate(machineId) {
      known(machineId);
      return { ok: true as const, calibrationRows: stage.recalibrate(machineId) };
    },
    conditions() {
      const out: CallResponse<'models.conditions'> = [];
      for (const m of stage.condition?.all() ?? []) {
        const o = m.latest;
        if (!o || !knownMachine(o.machineId)) continue;
        out.push({ machineId: o.machineId, ts: o.ts, operatingState: o.operatingState, phase: o.phase, learning: o.learning, health: o.health, rul: o.rul, failureProbability: o.failureProbability, communicationLost: o.communicationLost, anomalyActive: o.anomaly.active });
      }
      return out;
    },
    healthHistory(machineId, from, to) {
      known(machineId);
      return conditions?.healthHistory(machineId, from, to, HISTORY_LIMIT) ?? [];
    },
    stateHistory(machineId, from, to) {
      known(machineId);
      const { spans, hours } = conditions?.stateHistory(machineId, from, to) ?? { spans: [], hours: { off: 0, idle: 0, running: 0, unknown: 0 } };
      return { spans, totals: { machineId, from, to, hours } };
    },
    markNormal(machineId, note, user) {
      known(machineId);
      let taught;
      try {
        taught = stage.markNormal(machineId);
      } catch (err) {
        throw new CallFailure('conflict', (err as Error).message);
      }
      conditions?.addLabel({ machineId, from: taught.from, to: taught.to, label: 'normal', source: 'operator', username: user.username, note });
      return { ok: true as const, ...taught };
    },
  };
}
