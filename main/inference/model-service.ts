/** The model calls of the contract, over the inference stage and the store. */
import type { CallResponse } from '../../common/contract';
import { CallFailure } from '../ipc/call-failure';
import type { ModelOutputRepository } from '../store/model-outputs';
import type { ModelStage } from './model-stage';

export interface ModelService {
  status(): CallResponse<'models.status'>;
  machine(machineId: string): CallResponse<'models.machine'>;
  events(machineId: string, limit: number): CallResponse<'models.anomalyEvents'>;
  recalibrate(machineId: string): CallResponse<'models.recalibrate'>;
}

export function createModelService(stage: ModelStage, repository: ModelOutputRepository, knownMachine: (id: string) => boolean): ModelService {
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
  };
}
