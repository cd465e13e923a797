/**
 * The composition root: everything the main process does, with no `electron` import. The Electron
 * host and the headless host both call startRuntime and only add their own windows or sockets.
 *
 * A reading's path: broker -> ingest (decode, quarantine, machine registry) -> alarm hooks (limit
 * alarms, agents' inputs) -> inference (features and models, scored in batches each tick) -> live
 * batches to the screens -> store (telemetry writer in a worker thread).
 */
import { mkdirSync, statfsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EventName, Health } from '../common/contract';
import type { Machine } from '../common/telemetry';
import { createAgentHandlers } from './agents-host/handlers';
import { createAgentHost } from './agents-host/host';
import { riskOf } from './agents-host/predictions';
import { AlarmHooks } from './alarms/alarm-hooks';
import { AlarmService } from './alarms/alarm-service';
import { AlarmSync } from './alarms/alarm-sync';
import { alarmInputFromModel } from './alarms/from-models';
import { createAuthService } from './auth/auth-service';
import { SessionTable } from './auth/sessions';
import { createUserAdmin } from './auth/user-admin';
import { simulatorEnabled, type AppConfig } from './config';
import { startEmbeddedBroker, type EmbeddedBroker } from './ingest/embedded-broker';
import { MachineRegistry } from './ingest/machine-registry';
import { MqttSource } from './ingest/mqtt-source';
import { Quarantine } from './ingest/quarantine';
import { MODELS_DIR } from './inference/manifest';
import { loadModels } from './inference/model-set';
import { createModelService } from './inference/model-service';
import { LIVE_MODELS, ModelStage } from './inference/model-stage';
import { createHandlers } from './ipc/handlers';
import { createRouter, type Dispatch } from './ipc/router';
import { LiveTelemetry } from './pipeline/live-telemetry';
import { IngestStats } from './pipeline/ingest-stats';
import { runSimulator, type SimulatorHandle } from './sim/simulate';
import { alarmStore } from './store/alarm-store';
import { createAuditLog } from './store/audit-log';
import { BackupSchedule } from './store/backup-schedule';
import { queryHistory } from './store/history';
import { machineRepository } from './store/machines';
import { modelOutputRepository } from './store/model-outputs';
import { conditionRepository } from './inference/condition/condition-repository';
import { predictionOfCondition } from './agents-host/predictions';
import { MAIN_CHECKPOINT_PAGES, openDatabase } from './store/open-database';
import { chooseStore } from './store/open-store';
import { userRepository } from './store/users';
import { TelemetryWriter } from './store/telemetry-writer';
import { claimDataDir } from './run-lock';
import { versions } from './versions';
import { systemClock } from './voice/announcer';
import type { SecretStore } from './voice/secret-store';
import { voiceAlarmFrom } from './voice/from-alarm';
import { createVoiceService } from './voice/voice-service';

export interface RuntimeOptions {
  log(message: string): void;
  /** better-sqlite3 binary for a host whose ABI differs from Node's (Electron in development). */
  sqliteBinding?: string;
  /** Encrypted storage for the ElevenLabs key (Electron safeStorage); without it the key comes from config. */
  secrets?: SecretStore;
  /** Extra versions to report (Electron, Chrome). */
  versions?: Record<string, string>;
  /** Folder with manifest.json and the ONNX files; default the repository's models/. */
  modelsDir?: string;
  /** Wall clock; injected by tests. */
  now?: () => number;
}

export const DATABASE_FILE = 'factorybrain.db';
const LIVE_PUSH_MS = 250;
const WATCHDOG_MS = 1000;
const HEALTH_PUSH_MS = 2000;
/** Shelf expiry is checked this often; a shelf ends at most this late. */
const ALARM_TICK_MS = 1000;

function untilConnected(source: MqttSource, timeoutMs: number): Promise<void> {
  if (source.state === 'connected') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const off = source.onState((state) => state === 'connected' && done());
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

export async function startRuntime(config: AppConfig, options: RuntimeOptions) {
  const now = options.now ?? Date.now;
  const log = options.log;
  const startedAt = now();
  mkdirSync(config.dataDir, { recursive: true });
  const releaseDataDir = claimDataDir(config.dataDir);
  const store = chooseStore(join(config.dataDir, DATABASE_FILE), { nativeBinding: options.sqliteBinding, now: startedAt });
  if (store.problem) log(`store: ${store.problem}`);
  const dbPath = store.path;

  // --- store
  const db = openDatabase(dbPath, { nativeBinding: options.sqliteBinding, checkpointPages: MAIN_CHECKPOINT_PAGES });
  // History reads can be large; their own read-only connection never waits behind a write.
  const historyDb = openDatabase(dbPath, { readonly: true, nativeBinding: options.sqliteBinding });
  const writer = await TelemetryWriter.start({ dbPath, flushMs: config.store.flushMs, nativeBinding: options.sqliteBinding, retention: config.store });
  writer.onError((error) => log(`store: ${error}`));
  const machinesRepo = machineRepository(db);
  const audit = createAuditLog(db);
  const stats = new IngestStats(now);
  writer.onCommitted((info) => stats.committed(info));

  // --- broker and ingest
  let embedded: EmbeddedBroker | null = null;
  if (config.broker.url === null) embedded = await startEmbeddedBroker({ port: config.broker.embeddedPort });
  const brokerUrl = config.broker.url ?? embedded!.url;
  const quarantine = new Quarantine(config.ingest.quarantineSize);
  const registry = new MachineRegistry({ staleAfterMs: config.ingest.staleAfterMs });
  for (const m of machinesRepo.list()) registry.applyMeta({ id: m.id, site: m.site, area: m.area, type: m.type, name: m.name, protocol: m.protocol }, m.lastSeen);
  // QoS 1 telemetry is acknowledged only once stored, so a crash loses none of it (the broker redelivers).
  const source = new MqttSource({ broker: { ...config.broker, url: brokerUrl }, ingest: config.ingest, quarantine, ackGate: { mark: () => writer.appendedRows, whenStored: (mark, ack) => writer.whenStored(mark, ack) } });

  // --- pipeline
  const hooks = new AlarmHooks((hook, err) => log(`alarm hook ${hook} failed: ${(err as Error).message}`));
  const modelRepo = modelOutputRepository(db, now);
  const conditionRepo = conditionRepository(db, now);
  const inference = new ModelStage({ models: await loadModels(options.modelsDir ?? MODELS_DIR, LIVE_MODELS), repository: modelRepo, conditionStore: conditionRepo, conditionParams: config.conditionMonitor, onOutputs: (outputs) => hooks.modelOutputs(outputs) });
  if (inference.health().state !== 'ok') log(`models: ${inference.health().detail}`);
  const live = new LiveTelemetry();
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const emit = (name: EventName, payload: unknown) => {
    for (const l of listeners) l(name, payload);
  };
  const alarms = new AlarmService({
    store: alarmStore(db, audit),
    now,
    console: config.alarms.console ?? hostname(),
    log,
    leadTimeHours: () => config.alarms.spareLeadTimeHours,
    healthLimit: () => config.alarms.healthLimit,
    maxShelveMs: config.alarms.maxShelveHours * 3_600_000,
  });
  alarms.onChange((changed) => emit('alarms', { alarms: changed }));
  hooks.register({
    name: 'alarms',
    onReading: (reading) => alarms.reading(reading),
    onMachines: (changed) => alarms.machines(changed),
    onHealth: (h) => alarms.system({ health: h, ingestLatencyMs: stats.latencyPercentile(99, 'receipt'), commitWaitMs: config.store.flushMs, diskFreeRatio: diskFreeRatio() }),
    onModelOutput: (outputs) => {
      for (const out of outputs) {
        if (out.model === 'condition') {
          alarms.operatingState(out.output.machineId, out.output.operatingState);
          alarms.conditionOutput(out.output);
          continue;
        }
        const input = alarmInputFromModel(out);
        if (input) alarms.modelOutput(input);
      }
    },
  });
  const voice = createVoiceService({ db, config: config.voice, dataDir: config.dataDir, secrets: options.secrets ?? null, emit: (event) => emit('voice', event), log, clock: { ...systemClock, now } });
  alarms.onAnnunciate((alarm, reason) => {
    if (reason === 'acked') voice.acknowledged(alarm.id);
    else if (reason === 'cleared') voice.cleared(alarm.id);
    else voice.announce(voiceAlarmFrom(alarm, registry.get(alarm.machineId)));
  });

  const agents = createAgentHost({
    db,
    audit,
    config: config.agents,
    machines: () => registry.list(),
    publish: (topic, payload, qos) => source.publish(topic, payload, { qos }),
    emit: (payload) => emit('agents', payload),
    log,
    now,
    monotonic: () => performance.now(),
  });
  hooks.register({
    name: 'agents',
    onReading: (reading) => agents.reading(reading),
    // The failure model gives a probability and a likely type; its RUL is in cycles, not hours, so none is passed on.
    onModelOutput: (outputs) => {
      for (const o of outputs) {
        if (o.model === 'condition') {
          const prediction = predictionOfCondition(o.output);
          if (prediction) agents.predict(prediction);
          continue;
        }
        if (o.model !== 'failure' || o.output.state !== 'ok' || o.output.pFailure === null) continue;
        const p = o.output.pFailure;
        agents.predict({ machineId: o.output.machineId, ts: o.output.ts, failureProbability: p, failureType: o.output.likelyType ?? 'unclassified', rulHours: null, riskLevel: riskOf(p), source: 'failure-model' });
      }
    },
  });

  source.onReadings((batch, protocol) => {
    for (const reading of batch) {
      registry.observe(reading, protocol);
      hooks.reading(reading);
      inference.observe(reading);
      live.add(reading);
      stats.received(reading);
    }
    writer.append(batch);
  });
  source.onMeta((meta) => {
    registry.applyMeta(meta, now());
    alarms.applyMeta(meta.id, meta.limits);
    if (meta.stateSignal !== undefined) inference.condition?.setStateSignal(meta.id, meta.stateSignal);
  });
  source.onOffline((id) => registry.markOffline(id));
  source.onState((state) => {
    if (state !== 'connected') registry.markAllStale();
    log(`broker ${brokerUrl}: ${state}${source.lastError ? ` (${source.lastError})` : ''}`);
  });
  source.start();
  const alarmSync = config.alarms.sync ? new AlarmSync({ broker: { ...config.broker, url: brokerUrl }, site: config.alarms.site, alarms, log }) : null;

  let simulator: SimulatorHandle | null = null;
  if (simulatorEnabled(config)) {
    // Subscribed first, so the plant's first minutes are stored rather than published to no one.
    await untilConnected(source, 10_000);
    const s = config.simulator;
    simulator = await runSimulator({ brokerUrl, machines: s.machines, rateHz: s.rateHz, speed: 1, faultsPerMachinePerDay: s.faultsPerMachinePerDay, seed: s.seed, site: s.site, onError: (err) => log(`simulator: ${err.message}`) });
    simulator.done.catch((err) => log(`simulator stopped: ${(err as Error).message}`));
  }

  // --- screens and periodic work
  const persistMachines = (changed: readonly Machine[]) => {
    try {
      machinesRepo.upsert(changed);
    } catch (err) {
      log(`store: machines not saved: ${(err as Error).message}`);
    }
  };
  const timers = [
    setInterval(() => {
      const batch = live.take();
      if (batch) emit('telemetry', { readings: batch });
      // Models score what arrived since the last tick in one batch: a run per message would cost
      // the per-call overhead of every model on every reading.
      inference.flush().catch((err: Error) => log(`models: scoring failed: ${err.message}`));
      if (config.agents.enabled) agents.advance(stats.watermark);
    }, LIVE_PUSH_MS),
    setInterval(() => {
      const changed = registry.tick(now());
      if (changed.length > 0) {
        persistMachines(changed);
        hooks.machines(changed);
        emit('machines', { machines: changed });
      }
    }, WATCHDOG_MS),
    setInterval(() => {
      const h = health();
      hooks.health(h);
      emit('health', h);
    }, HEALTH_PUSH_MS),
    setInterval(() => alarms.tick(), ALARM_TICK_MS),
  ];
  const backups = new BackupSchedule({ db, dir: join(config.dataDir, 'backups'), hourUtc: config.store.backupHourUtc, keep: config.store.backupKeep, now, log });

  function storeBytes(): number {
    let bytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        bytes += statSync(dbPath + suffix).size;
      } catch {
        // the WAL file comes and goes
      }
    }
    return bytes;
  }

  function diskFreeRatio(): number | null {
    try {
      const fs = statfsSync(config.dataDir);
      return fs.blocks > 0 ? fs.bavail / fs.blocks : null;
    } catch {
      return null;
    }
  }

  function health(): Health {
    const counts = quarantine.counts();
    const storeError = writer.lastError ?? store.problem;
    const degraded = source.state !== 'connected' || storeError !== null;
    return {
      status: degraded ? 'degraded' : 'ok',
      uptimeS: Math.round((now() - startedAt) / 1000),
      broker: { url: brokerUrl, embedded: embedded !== null, state: source.state, lastError: source.lastError },
      simulator: { running: simulator !== null, machines: simulator ? config.simulator.machines : 0 },
      machinesKnown: registry.size,
      readingsPerSecond: Math.round(stats.readingsPerSecond()),
      quarantine: { total: quarantine.total, byReason: counts },
      store: { path: dbPath, bytes: storeBytes(), pendingRows: writer.pendingRows, lastError: storeError },
      models: inference.health(),
      versions: { ...versions(), ...options.versions },
    };
  }

  // --- contract
  const sessions = new SessionTable(now, undefined, config.auth.lockAfterMinutes === null ? null : config.auth.lockAfterMinutes * 60_000);
  const auth = createAuthService({ users: userRepository(db), sessions, now });
  const dispatch: Dispatch = createRouter({
    handlers: createHandlers({
      auth,
      health,
      machines: () => registry.list(),
      history: (request) => queryHistory(historyDb, request),
      quarantine,
      models: createModelService(inference, modelRepo, (id) => registry.get(id) !== undefined, conditionRepo),
      alarms,
      voice,
      users: createUserAdmin({ users: userRepository(db), sessions, now }),
      auditLog: audit,
      agents: createAgentHandlers(
        agents,
        config.agents,
        { now, eventTime: () => stats.watermark },
        {
          closed: (ticket, failureType, username) => {
            if (!ticket.machineId) return;
            // The episode behind the ticket: the machine's open or last anomaly, else since the ticket was opened.
            const since = inference.condition?.get(ticket.machineId)?.episodeStart() ?? ticket.createdAt;
            try {
              conditionRepo.addLabel({ machineId: ticket.machineId, from: Math.min(since, ticket.createdAt), to: now(), label: failureType, source: 'ticket', username, note: `ticket #${ticket.id}` });
            } catch (err) {
              log(`store: label of ticket #${ticket.id} not saved: ${(err as Error).message}`);
            }
          },
        },
      ),
    }),
    audit,
    touchSession: (token) => sessions.touch(token),
    now,
    log: (message, err) => log(`${message}: ${(err as Error)?.stack ?? String(err)}`),
  });

  return {
    config,
    brokerUrl,
    dbPath,
    dispatch,
    health,
    stats,
    writer,
    inference,
    /** Model outputs and health scores go to alarms.modelOutput / alarms.healthScore; the announcer listens with alarms.onAnnunciate. */
    alarms,
    alarmSync,
    voice,
    sessionLive: (token: string) => sessions.peek(token) !== null,
    subscribe(listener: (name: EventName, payload: unknown) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      voice.stop();
      backups.stop();
      await simulator?.stop();
      await alarmSync?.stop();
      await source.stop();
      await inference.flush().catch(() => undefined);
      try {
        inference.persist();
      } catch (err) {
        log(`store: latest model outputs not saved: ${(err as Error).message}`);
      }
      await writer.close();
      persistMachines(registry.list());
      historyDb.close();
      db.close();
      await embedded?.close();
      releaseDataDir();
    },
  };
}
export type Runtime = Awaited<ReturnType<typeof startRuntime>>;
