/**
 * The composition root: everything the main process does, with no `electron` import. The Electron
 * host and the headless host both call startRuntime and only add their own windows or sockets.
 *
 * A reading's path: broker -> ingest (decode, quarantine, machine registry) -> alarm hooks (limit
 * alarms, agents' inputs) -> inference (features and models, scored in batches each tick) -> live
 * batches to the screens -> store (telemetry writer in a worker thread).
 */
import { chmodSync, mkdirSync, statfsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EventName, Health } from '../common/contract';
import type { Machine, Reading } from '../common/telemetry';
import { createAgentHandlers } from './agents-host/handlers';
import { createAgentHost } from './agents-host/host';
import { riskOf } from './agents-host/predictions';
import { AlarmHooks } from './alarms/alarm-hooks';
import { AlarmService } from './alarms/alarm-service';
import { AlarmSync, authorizeByLocalUsers } from './alarms/alarm-sync';
import { loadOrCreateSyncKey } from './alarms/sync-key';
import { alarmInputFromModel } from './alarms/from-models';
import { createAuthService } from './auth/auth-service';
import { SessionTable } from './auth/sessions';
import { createUserAdmin } from './auth/user-admin';
import { simulatorEnabled, type AppConfig } from './config';
import { openAppLog } from './logging/app-log';
import { logProcessErrors, recordStart, type ProcessEvents } from './logging/lifecycle-log';
import { loggedAudit, logSystemAlarms } from './logging/runtime-events';
import { createShiftLogHandlers } from './shiftlog/handlers';
import { createRepairGuide } from './maintenance/repair-guide';
import { ticketRepository } from './maintenance/tickets';
import { createShiftLog } from './shiftlog/shift-log';
import { startEmbeddedBroker, type EmbeddedBroker } from './ingest/embedded-broker';
import { CardinalityGate } from './ingest/cardinality-gate';
import { EngService } from './ingest/eng-service';
import { MachineRegistry } from './ingest/machine-registry';
import { MQTT_PACKET_OVERHEAD, MqttSource } from './ingest/mqtt-source';
import { Quarantine } from './ingest/quarantine';
import type { MachineMeta, Protocol } from './ingest/decoded';
import { createConnectors } from './connectors/connectors-host';
import { createConnectorHandlers } from './connectors/handlers';
import { settingsRepository } from './store/settings';
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
import { AUDIT_KEY_FILE, loadOrCreateKey } from './store/key-file';
import { BackupSchedule } from './store/backup-schedule';
import { queryHistory } from './store/history';
import { machineRepository } from './store/machines';
import { engRepository } from './store/eng-repository';
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
  /** Where unhandled rejections and uncaught exceptions are observed for the log; default `process`, null for none. */
  processEvents?: ProcessEvents | null;
}

export const DATABASE_FILE = 'factorybrain.db';
const LIVE_PUSH_MS = 250;
const WATCHDOG_MS = 1000;
const HEALTH_PUSH_MS = 2000;
/** Shelf expiry is checked this often; a shelf ends at most this late. */
const ALARM_TICK_MS = 1000;

/** chmod where the file system has modes and the file exists; a failure is logged, never fatal. */
function restrictMode(path: string, mode: number, log: (message: string) => void): void {
  if (process.platform === 'win32') return;
  try {
    if ((statSync(path).mode & 0o777 & ~mode) !== 0) chmodSync(path, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`${path}: mode not restricted: ${(err as Error).message}`);
  }
}

export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

const withCredentials = (url: string, c: { username: string; password: string }) => {
  const u = new URL(url);
  u.username = c.username;
  u.password = c.password;
  return u.toString();
};

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
  const startedAt = now();
  // The data directory holds every reading, the users' password hashes and the keys: this user only.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // Before the log files exist: its messages go to the host's console.
  restrictMode(config.dataDir, 0o700, options.log);
  const releaseDataDir = claimDataDir(config.dataDir);
  // The engineer's log files: every message below goes there as well as to the host's console.
  const appLog = await openAppLog({ dir: config.logs.dir ?? join(config.dataDir, 'logs'), retentionDays: config.logs.retentionDays, console: options.log, now });
  const log = (message: string) => {
    options.log(message);
    appLog.info('message', {}, message);
  };
  const lifecycle = recordStart(appLog, { dir: appLog.status().dir, config, versions: { ...versions(), ...options.versions }, now: startedAt });
  const store = chooseStore(join(config.dataDir, DATABASE_FILE), { nativeBinding: options.sqliteBinding, now: startedAt });
  if (store.problem) log(`store: ${store.problem}`);
  const dbPath = store.path;

  // --- store
  const db = openDatabase(dbPath, { nativeBinding: options.sqliteBinding, checkpointPages: MAIN_CHECKPOINT_PAGES });
  for (const suffix of ['', '-wal', '-shm']) restrictMode(dbPath + suffix, 0o600, log);
  // History reads can be large; their own read-only connection never waits behind a write.
  const historyDb = openDatabase(dbPath, { readonly: true, nativeBinding: options.sqliteBinding });
  const writer = await TelemetryWriter.start({ dbPath, flushMs: config.store.flushMs, nativeBinding: options.sqliteBinding, retention: config.store });
  writer.onError((error) => log(`store: ${error}`));
  const machinesRepo = machineRepository(db);
  // The audit chain is keyed: whoever can write the database file cannot rehash what they change.
  const auditKey = loadOrCreateKey(join(config.dataDir, AUDIT_KEY_FILE), 'audit key', log);
  const audit = createAuditLog(db, auditKey.key);
  if (auditKey.created) audit.append({ at: now(), userId: null, username: null, action: 'audit.keyed', target: null, outcome: 'ok', detail: { keyFile: join(config.dataDir, AUDIT_KEY_FILE) } });
  const stats = new IngestStats(now);
  writer.onCommitted((info) => stats.committed(info));

  // --- broker and ingest
  let embedded: EmbeddedBroker | null = null;
  if (config.broker.url === null) embedded = await startEmbeddedBroker({ port: config.broker.embeddedPort, anonymousDevices: config.broker.embeddedAnonymousDevices, maxPacketBytes: config.ingest.maxPayloadBytes + MQTT_PACKET_OVERHEAD });
  const brokerUrl = config.broker.url ?? embedded!.url;
  // Health, logs and screens show the broker without the credentials a URL may carry.
  const shownBrokerUrl = withoutCredentials(brokerUrl);
  // The app's own clients log in to the embedded broker, which gives only them the consoles' topics.
  const appBroker = { ...config.broker, url: brokerUrl, ...(embedded && embedded.credentials) };
  const quarantine = new Quarantine(config.ingest.quarantineSize);
  const registry = new MachineRegistry({ staleAfterMs: config.ingest.staleAfterMs });
  const gate = new CardinalityGate({ maxMachines: config.ingest.maxMachines, maxSensorsPerMachine: config.ingest.maxSensorsPerMachine });
  const engRepo = engRepository(db, (line) => log(`store: ${line}`));
  const engSources = engRepo.sources();
  for (const m of machinesRepo.list()) {
    gate.seed([m.id]);
    const engSource = engSources.get(m.id);
    registry.applyMeta({ id: m.id, site: m.site, area: m.area, type: m.type, name: m.name, protocol: m.protocol, ...(engSource ? { eng: engSource } : {}) }, m.lastSeen);
  }
  const eng = new EngService(engRepo, registry);
  // QoS 1 telemetry is acknowledged only once stored, so a crash loses none of it (the broker redelivers).
  const source = new MqttSource({ broker: appBroker, ingest: config.ingest, quarantine, gate, sparkplug: { maxNodes: config.ingest.sparkplugMaxNodes, maxDevicesPerNode: config.ingest.sparkplugMaxDevicesPerNode }, ackGate: { mark: () => writer.appendedRows, whenStored: (mark, ack) => writer.whenStored(mark, ack) } });

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
    statesFromMonitor: inference.condition !== null,
    maxShelveMs: config.alarms.maxShelveHours * 3_600_000,
    maxRemoteSkewMs: config.alarms.syncMaxSkewSeconds * 1000,
    maxPendingRemote: config.alarms.syncMaxPending,
  });
  alarms.onChange((changed) => emit('alarms', { alarms: changed }));
  alarms.onChange(logSystemAlarms(appLog));
  hooks.register({
    name: 'alarms',
    onReading: (reading) => alarms.reading(reading),
    onMachines: (changed) => alarms.machines(changed),
    onHealth: (h) => alarms.system({ health: h, ingestLatencyMs: stats.latencyPercentile(99, 'receipt'), commitWaitMs: config.store.flushMs, diskFreeRatio: diskFreeRatio(), cardinality: gate.refused }),
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
    plant: config.plant,
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

  // The one decoded-reading path: MQTT, Modbus TCP and OPC UA all hand their readings and metas here.
  const ingestReadings = (batch: Reading[], protocol: Protocol) => {
    for (const reading of batch) {
      registry.observe(reading, protocol);
      hooks.reading(reading);
      inference.observe(reading);
      live.add(reading);
      stats.received(reading);
    }
    writer.append(batch);
    connectors.observe(batch);
  };
  const ingestMeta = (meta: MachineMeta) => {
    registry.applyMeta(meta, now());
    try {
      eng.published(meta.id, meta.eng);
    } catch (err) {
      log(`store: units of ${meta.id} not saved: ${(err as Error).message}`);
    }
    alarms.applyMeta(meta.id, meta.limits);
    if (meta.stateSignal !== undefined) inference.condition?.setStateSignal(meta.id, meta.stateSignal);
  };
  source.onReadings(ingestReadings);
  source.onMeta(ingestMeta);
  source.onOffline((id) => registry.markOffline(id));
  // Modbus TCP, OPC UA and the historian (which forwards from the store, its buffer, on the history reader's connection).
  const connectors = createConnectors({
    config,
    quarantine,
    historyDb,
    settings: settingsRepository(db),
    readings: ingestReadings,
    meta: ingestMeta,
    offline: (id) => registry.markOffline(id),
    log,
    now,
    defaultConsole: config.alarms.console ?? hostname(),
  });
  source.onState((state) => {
    if (state !== 'connected') registry.markAllStale();
    log(`broker ${shownBrokerUrl}: ${state}${source.lastError ? ` (${source.lastError})` : ''}`);
  });
  source.start();
  const alarmSync = config.alarms.sync
    ? new AlarmSync({
        broker: appBroker,
        site: config.alarms.site,
        alarms,
        key: loadOrCreateSyncKey(config.alarms.syncKeyFile ?? join(config.dataDir, 'alarm-sync.key'), log),
        authorize: authorizeByLocalUsers((username) => userRepository(db).findByUsername(username)),
        log,
      })
    : null;

  let simulator: SimulatorHandle | null = null;
  if (simulatorEnabled(config)) {
    // Subscribed first, so the plant's first minutes are stored rather than published to no one.
    await untilConnected(source, 10_000);
    const s = config.simulator;
    simulator = await runSimulator({ brokerUrl: embedded ? withCredentials(brokerUrl, embedded.credentials) : brokerUrl, machines: s.machines, rateHz: s.rateHz, speed: 1, faultsPerMachinePerDay: s.faultsPerMachinePerDay, seed: s.seed, site: s.site, onError: (err) => log(`simulator: ${err.message}`) });
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
      broker: { url: shownBrokerUrl, embedded: embedded !== null, state: source.state, lastError: source.lastError },
      simulator: { running: simulator !== null, machines: simulator ? config.simulator.machines : 0 },
      machinesKnown: registry.size,
      readingsPerSecond: Math.round(stats.readingsPerSecond()),
      quarantine: { total: quarantine.total, byReason: counts },
      store: { path: dbPath, bytes: storeBytes(), pendingRows: writer.pendingRows, lastError: storeError },
      models: inference.health(),
      versions: { ...versions(), ...options.versions },
      logs: appLog.status(),
      plant: { timeZone: config.plant.timeZone, shiftStartHours: [...config.plant.shiftStartHours] },
      fieldSources: connectors.fieldSources(),
      historian: connectors.historian(),
    };
  }

  const shiftLog = createShiftLog({ db, plant: config.plant, now, machineExists: (id) => registry.get(id) !== undefined, alarmExists: (id) => alarms.get(id) !== undefined });

  // --- contract
  const sessions = new SessionTable(now, undefined, config.auth.lockAfterMinutes === null ? null : config.auth.lockAfterMinutes * 60_000);
  const auth = createAuthService({ users: userRepository(db), sessions, now });
  const dispatch: Dispatch = createRouter({
    handlers: createHandlers({
      auth,
      health,
      machines: () => registry.list(),
      eng,
      history: (request) => queryHistory(historyDb, request),
      quarantine,
      models: createModelService(inference, modelRepo, (id) => registry.get(id) !== undefined, conditionRepo),
      alarms,
      voice,
      users: createUserAdmin({ users: userRepository(db), sessions, now }),
      auditLog: audit,
      shiftLog: createShiftLogHandlers(shiftLog),
      repairGuide: createRepairGuide({ ticket: (id) => ticketRepository(db).get(id), say: (text, priority) => voice.say(text, priority) }),
      connectors: createConnectorHandlers(connectors),
      agents: createAgentHandlers(
        agents,
        config.agents,
        config.plant,
        { now, eventTime: () => stats.watermark },
        {
          shiftLogEntries: (from, to) => shiftLog.between(from, to),
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
    audit: loggedAudit(audit, appLog),
    touchSession: (token) => sessions.touch(token),
    now,
    log: (message, err) => log(`${message}: ${(err as Error)?.stack ?? String(err)}`),
  });

  const stopLoggingProcessErrors = options.processEvents === null ? () => undefined : logProcessErrors(appLog, options.processEvents);

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
      await connectors.stop();
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
      stopLoggingProcessErrors();
      lifecycle.stopped('stop');
      appLog.close();
    },
  };
}
export type Runtime = Awaited<ReturnType<typeof startRuntime>>;
