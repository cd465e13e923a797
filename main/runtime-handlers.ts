/**
 * The contract's handlers over the runtime's parts. The agent host's and the connectors' calls are
 * merged here, in the composition root, so main/ipc/ imports neither main/agents-host/ nor main/connectors/.
 */
import { join } from 'node:path';
import type { EventName, Health } from '../common/contract';
import { createAgentHandlers, createRepairStepHandlers } from './agents-host/handlers';
import type { AgentHost } from './agents-host/host';
import { createRepairGuide } from './agents-host/maintenance/repair-guide';
import { ticketRepository } from './agents-host/maintenance/tickets';
import type { AlarmService } from './alarms/alarm-service';
import type { KpiReader } from './alarms/kpi-reader';
import type { AuthService } from './auth/auth-service';
import type { SessionTable } from './auth/sessions';
import { createUserAdmin } from './auth/user-admin';
import type { AppConfig } from './config';
import type { Connectors } from './connectors/connectors-host';
import { createConnectorHandlers } from './connectors/handlers';
import type { Diagnostics } from './diagnostics/diagnostics';
import { diskSpace } from './diagnostics/disk-space';
import { createDiagnosticsHandlers } from './diagnostics/handlers';
import type { CardinalityGate } from './ingest/cardinality-gate';
import type { EngService } from './ingest/eng-service';
import type { MachineRegistry } from './ingest/machine-registry';
import { createMachineRetirement } from './ingest/machine-retirement';
import type { Quarantine } from './ingest/quarantine';
import type { ConditionRepository } from './inference/condition/condition-repository';
import type { ModelOutputRepository } from './inference/model-outputs';
import { createModelService } from './inference/model-service';
import type { ModelStage } from './inference/model-stage';
import { createHandlers } from './ipc/handlers';
import type { Handlers } from './ipc/router';
import type { IngestStats } from './pipeline/ingest-stats';
import { createShiftLogHandlers } from './shiftlog/handlers';
import type { ShiftLog } from './shiftlog/shift-log';
import { areaLayouts } from './store/area-layouts';
import type { AuditLog } from './store/audit-log';
import type { BackupSchedule } from './store/backup-schedule';
import type { HistoryReader } from './store/history-reader';
import type { MachineRepository } from './store/machines';
import type { Db } from './store/open-database';
import { userRepository } from './store/users';
import type { VoiceService } from './voice/voice-service';
import { eventFromWall, type EventMs, type WallMs } from '../common/time';

/** The parts of the runtime the contract's calls reach. */
export interface HandlerInputs {
  config: AppConfig;
  db: Db;
  /** readings.history, answered off the main thread. */
  historyReader: Pick<HistoryReader, 'read'>;
  /** alarms.kpis, answered off the main thread. */
  kpiReader: Pick<KpiReader, 'read'>;
  now(): WallMs;
  log(message: string): void;
  /** Pushes an event to every connected console. */
  emit(name: EventName, payload: unknown): void;
  auth: AuthService;
  sessions: SessionTable;
  health(): Health;
  registry: MachineRegistry;
  gate: CardinalityGate;
  machinesRepo: MachineRepository;
  eng: EngService;
  quarantine: Quarantine;
  inference: ModelStage;
  modelRepo: ModelOutputRepository;
  conditionRepo: ConditionRepository;
  alarms: AlarmService;
  voice: VoiceService;
  audit: AuditLog;
  shiftLog: ShiftLog;
  diagnostics: Diagnostics;
  backups: BackupSchedule;
  agents: AgentHost;
  stats: IngestStats;
  connectors: Connectors;
}

export function runtimeHandlers(p: HandlerInputs): Handlers {
  const { config, db, now, log, registry, inference, conditionRepo, stats } = p;
  const agentHandlers = {
    ...createAgentHandlers(
      p.agents,
      config.agents,
      config.plant,
      { now, eventTime: () => stats.watermark },
      {
        shiftLogEntries: (from, to) => p.shiftLog.between(from, to),
        closed: (ticket, failureType, username) => {
          if (!ticket.machineId) return;
          // The episode behind the ticket: the machine's open or last anomaly, else since the ticket was opened.
          const machine = inference.condition?.get(ticket.machineId);
          const since = machine?.episodeStart() ?? ticket.createdAt;
          // Labels are in the machine's event time (a replay labels the replayed days): up to its last reading.
          const until: EventMs = machine && Number.isFinite(machine.lastTs) ? machine.lastTs : stats.watermark > 0 ? stats.watermark : eventFromWall(now());
          try {
            conditionRepo.addLabel({ machineId: ticket.machineId, from: Math.min(since, ticket.createdAt, until), to: until, label: failureType, source: 'ticket', username, note: `ticket #${ticket.id}` });
          } catch (err) {
            log(`store: label of ticket #${ticket.id} not saved: ${(err as Error).message}`);
          }
        },
      },
    ),
    ...createRepairStepHandlers(createRepairGuide({ ticket: (id) => ticketRepository(db).get(id), say: (text, priority) => p.voice.say(text, priority) })),
  };
  return {
    ...createHandlers({
      auth: p.auth,
      health: p.health,
      machines: () => registry.list(),
      eng: p.eng,
      areaLayouts: areaLayouts(db, { machines: () => registry.list(), now, log: (line) => log(`store: ${line}`) }),
      retirement: createMachineRetirement({ registry, gate: p.gate, store: p.machinesRepo, retired: (ids) => p.emit('machines', { machines: [], removed: [...ids] }), now }),
      history: (request) => p.historyReader.read(request),
      quarantine: p.quarantine,
      models: createModelService(inference, p.modelRepo, (id) => registry.get(id) !== undefined, conditionRepo),
      alarms: p.alarms,
      alarmKpis: (request) => p.kpiReader.read(request),
      voice: p.voice,
      users: createUserAdmin({ users: userRepository(db), sessions: p.sessions, now }),
      auditLog: p.audit,
      shiftLog: createShiftLogHandlers(p.shiftLog),
      diagnostics: createDiagnosticsHandlers(() =>
        p.diagnostics.snapshot({
          health: p.health,
          quarantineLatest: (limit) => p.quarantine.list({ limit }),
          models: () => inference.statuses(),
          backup: { hourUtc: config.store.backupHourUtc, dir: join(config.dataDir, 'backups'), last: () => p.backups.last },
          agents: { enabled: config.agents.enabled, eventTime: () => (stats.watermark > 0 ? stats.watermark : null), status: () => p.agents.status() },
          disk: () => diskSpace(config.dataDir),
          alarm: (id) => p.alarms.get(id),
        }),
      ),
    }),
    ...agentHandlers,
    ...createConnectorHandlers(p.connectors),
  };
}
