/** The alarm service of the composition root: its settings from the config, and what it hears from the fan-out. */
import { hostname } from 'node:os';
import type { EventName } from '../common/contract';
import { AlarmService } from './alarms/alarm-service';
import { alarmStore } from './alarms/alarm-store';
import { alarmInputFromModel } from './alarms/from-models';
import type { AppConfig } from './config';
import type { Diagnostics } from './diagnostics/diagnostics';
import { diskSpace } from './diagnostics/disk-space';
import type { CardinalityGate } from './ingest/cardinality-gate';
import { STATE_HOLD_MS } from './inference/condition/machine-condition';
import type { ModelStage } from './inference/model-stage';
import type { AppLog } from './logging/app-log';
import { logSystemAlarms } from './logging/runtime-events';
import type { FanOut } from './pipeline/fan-out';
import type { IngestStats } from './pipeline/ingest-stats';
import type { AuditLog } from './store/audit-log';
import type { Db } from './store/open-database';
import type { WallMs } from '../common/time';

export interface AlarmInputs {
  config: AppConfig;
  db: Db;
  audit: AuditLog;
  now(): WallMs;
  log(message: string): void;
  appLog: AppLog;
  inference: ModelStage;
  fanOut: FanOut;
  stats: IngestStats;
  gate: CardinalityGate;
  diagnostics: Diagnostics;
  emit(name: EventName, payload: unknown): void;
}

export function startAlarms(p: AlarmInputs): AlarmService {
  const { config, stats } = p;
  const monitor = p.inference.condition;
  const alarms = new AlarmService({
    store: alarmStore(p.db, p.audit),
    now: p.now,
    console: config.alarms.console ?? hostname(),
    log: p.log,
    leadTimeHours: () => config.alarms.spareLeadTimeHours,
    healthLimit: () => config.alarms.healthLimit,
    statesFromMonitor: monitor !== null,
    ...(monitor && { stateNow: (machineId: string) => monitor.stateNow(machineId) }),
    startupArmingMs: config.alarms.startupArmingMinutes * 60_000,
    // A held low limit shows as suppressed once it has lasted the monitor's own state hold.
    showHoldAfterMs: STATE_HOLD_MS,
    maxShelveMs: config.alarms.maxShelveHours * 3_600_000,
    maxRemoteSkewMs: config.alarms.syncMaxSkewSeconds * 1000,
    maxPendingRemote: config.alarms.syncMaxPending,
  });
  alarms.onChange((changed) => p.emit('alarms', { alarms: changed }));
  alarms.onChange(logSystemAlarms(p.appLog));
  p.fanOut.register({
    name: 'alarms',
    onReading: (reading) => alarms.reading(reading),
    onMachines: (changed) => alarms.machines(changed),
    onHealth: (h) => alarms.system({ health: h, ingestLatencyMs: stats.latencyPercentile(99, 'receipt'), commitWaitMs: config.store.flushMs, diskFreeRatio: diskSpace(config.dataDir)?.freeRatio ?? null, cardinality: p.gate.refused, diagnostics: p.diagnostics.alertSample() }),
    onModelOutput: (outputs) => {
      for (const out of outputs) {
        if (out.model === 'condition') {
          alarms.conditionOutput(out.output);
          continue;
        }
        const input = alarmInputFromModel(out);
        if (input) alarms.modelOutput(input);
      }
    },
  });
  return alarms;
}
