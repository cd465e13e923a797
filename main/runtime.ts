/**
 * The composition root: everything the main process does, with no `electron` import. The Electron
 * host and the headless host both call startRuntime and only add their own windows or sockets.
 *
 * A reading's path: broker -> ingest (decode, quarantine, machine registry) -> fan-out (limit
 * alarms, agents' inputs) -> inference (features and models, scored in batches each tick) -> live
 * batches to the screens -> store (telemetry writer in a worker thread).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EventName, Health } from '../common/contract';
import type { Machine } from '../common/telemetry';
import { createAgentHost } from './agents-host/host';
import { FanOut } from './pipeline/fan-out';
import type { AlarmService } from './alarms/alarm-service';
import { AlarmSync, authorizeByLocalUsers } from './alarms/alarm-sync';
import { loadOrCreateSyncKey } from './alarms/sync-key';
import { createAuthService } from './auth/auth-service';
import { SessionTable } from './auth/sessions';
import { simulatorEnabled, type AppConfig } from './config';
import { openAppLog } from './logging/app-log';
import { logProcessErrors, recordStart, type ProcessEvents } from './logging/lifecycle-log';
import { loggedAudit } from './logging/runtime-events';
import { createShiftLog } from './shiftlog/shift-log';
import { startEmbeddedBroker, type EmbeddedBroker } from './ingest/embedded-broker';
import { CardinalityGate } from './ingest/cardinality-gate';
import { EngService } from './ingest/eng-service';
import { MachineRegistry } from './ingest/machine-registry';
import { MQTT_PACKET_OVERHEAD, MqttSource } from './ingest/mqtt-source';
import { Quarantine } from './ingest/quarantine';
import { createConnectors } from './connectors/connectors-host';
import { timeQueries } from './diagnostics/db-timing';
import { createDiagnostics } from './diagnostics/diagnostics';
import { settingsRepository } from './store/settings';
import { MODELS_DIR } from './inference/manifest';
import { loadModels } from './inference/model-set';
import { LIVE_MODELS, ModelStage } from './inference/model-stage';
import { createRouter, type Dispatch } from './ipc/router';
import { LiveTelemetry } from './pipeline/live-telemetry';
import { IngestStats } from './pipeline/ingest-stats';
import { runSimulator, type SimulatorHandle } from './sim/simulate';
import { createAuditLog } from './store/audit-log';
import { AUDIT_KEY_FILE, describeProtection, loadOrCreateKey, type LoadedKey } from './store/key-file';
import { BackupSchedule } from './store/backup-schedule';
import { machineRepository } from './store/machines';
import { engRepository } from './store/eng-repository';
import { modelOutputRepository } from './inference/model-outputs';
import { conditionRepository } from './inference/condition/condition-repository';
import { predictionsOf } from './agents-host/predictions';
import { MAIN_CHECKPOINT_PAGES, openDatabase } from './store/open-database';
import { chooseStore } from './store/open-store';
import { userRepository } from './store/users';
import { TelemetryWriter } from './store/telemetry-writer';
import { HistoryReader } from './store/history-reader';
import { KpiReader } from './alarms/kpi-reader';
import { readingMarks } from './store/reading-marks';
import { claimDataDir } from './run-lock';
import { versions } from './versions';
import type { Keystore } from './secrets/keystore';
import type { SecretStore } from './secrets/secret-store';
import { voiceAlarmFrom } from './voice/from-alarm';
import { createVoiceService, type VoiceService } from './voice/voice-service';
import { monotonic, wallClock } from './clock';
import { runtimeHealth } from './health';
import { restrictMode } from './file-modes';
import { untilConnected, withCredentials, withoutCredentials } from './ingest/broker-url';
import { DATABASE_FILE } from './store/database-file';
import { startAlarms } from './runtime-alarms';
import { runtimeHandlers } from './runtime-handlers';
import { decodedReadingPath, qualityMarks, seedMachines, tellStatedRanges } from './runtime-ingest';
import { startPeriodicWork } from './runtime-timers';
import type { WallMs } from '../common/time';

export interface RuntimeOptions {
  log(message: string): void;
  /** better-sqlite3 binary for a host whose ABI differs from Node's (Electron in development). */
  sqliteBinding?: string;
  /** Encrypted storage for the ElevenLabs key (Electron safeStorage); without it the key comes from config. */
  secrets?: SecretStore;
  /** The OS keystore the audit and sync key files are encrypted with (Electron safeStorage); without it they are plain 0600 files. */
  keystore?: Keystore;
  /** Extra versions to report (Electron, Chrome). */
  versions?: Record<string, string>;
  /** Folder with manifest.json and the ONNX files; default the repository's models/. */
  modelsDir?: string;
  /** Injected by tests. */
  now?: () => WallMs;
  /** Where unhandled rejections and uncaught exceptions are observed for the log; default `process`, null for none. */
  processEvents?: ProcessEvents | null;
  /**
   * The headless host: when no account exists yet, make a one-time token that a first-run setup
   * over the network must bring (`runtime.setupToken`, printed by the host). The desktop app leaves it off.
   */
  setupToken?: boolean;
}

/** What the hosts get from startRuntime: the contract's dispatch, events, health, and the stages they drive or watch. */
export interface Runtime {
  config: AppConfig;
  brokerUrl: string;
  dbPath: string;
  dispatch: Dispatch;
  health(): Health;
  stats: IngestStats;
  writer: TelemetryWriter;
  inference: ModelStage;
  /** Model outputs and health scores go to alarms.modelOutput / alarms.healthScore; the announcer listens with alarms.onAnnunciate. */
  alarms: AlarmService;
  alarmSync: AlarmSync | null;
  voice: VoiceService;
  sessionLive(token: string): boolean;
  /** The first-run setup token (options.setupToken with no account yet), for the host to print; null otherwise. */
  setupToken: string | null;
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void;
  stop(): Promise<void>;
}

export async function startRuntime(config: AppConfig, options: RuntimeOptions): Promise<Runtime> {
  const now: () => WallMs = options.now ?? Date.now;
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
  // The keys first: one that cannot be read (another OS keystore) stops the start here, with nothing left running.
  const auditKeyFile = join(config.dataDir, AUDIT_KEY_FILE);
  const syncKeyFile = config.alarms.syncKeyFile ?? join(config.dataDir, 'alarm-sync.key');
  let auditKey: LoadedKey;
  let syncKey: Buffer | null;
  try {
    auditKey = loadOrCreateKey(auditKeyFile, 'audit key', log, options.keystore ?? null);
    syncKey = config.alarms.sync ? loadOrCreateSyncKey(syncKeyFile, log, options.keystore ?? null) : null;
  } catch (err) {
    log(`start refused: ${(err as Error).message}`);
    appLog.close();
    releaseDataDir();
    throw err;
  }
  log(`audit key ${auditKeyFile}: ${describeProtection(auditKey.protection)}`);
  const store = chooseStore(join(config.dataDir, DATABASE_FILE), { nativeBinding: options.sqliteBinding, now: startedAt });
  if (store.problem) log(`store: ${store.problem}`);
  const dbPath = store.path;

  // --- store
  const db = openDatabase(dbPath, { nativeBinding: options.sqliteBinding, checkpointPages: MAIN_CHECKPOINT_PAGES, log: (line) => log(`store: ${line}`) });
  // Timed from their first statement on, for the diagnostics screen's slow-query list.
  const diagnostics = createDiagnostics(config.diagnostics, now);
  timeQueries(db, diagnostics.queries('main'));
  for (const suffix of ['', '-wal', '-shm']) restrictMode(dbPath + suffix, 0o600, log);
  // History reads can be large; their own read-only connection never waits behind a write.
  const historyDb = openDatabase(dbPath, { readonly: true, nativeBinding: options.sqliteBinding });
  timeQueries(historyDb, diagnostics.queries('history'));
  // readings.history runs in a worker thread on its own connection, so the largest read never stalls ingest.
  const historyQueries = diagnostics.queries('history');
  const historyReader = await HistoryReader.start({ dbPath, nativeBinding: options.sqliteBinding, observe: (ms) => historyQueries('readings.history (history reader worker)', ms), log });
  // So does alarms.kpis, which reads up to a quarter of the alarm journal.
  const kpiReader = await KpiReader.start({ dbPath, nativeBinding: options.sqliteBinding, now, observe: (ms) => historyQueries('alarms.kpis (KPI reader worker)', ms), log });
  const writer = await TelemetryWriter.start({ dbPath, flushMs: config.store.flushMs, nativeBinding: options.sqliteBinding, retention: config.store });
  writer.onError((error) => log(`store: ${error}`));
  const machinesRepo = machineRepository(db);
  // The audit chain is keyed: whoever can write the database file cannot rehash what they change.
  const audit = createAuditLog(db, auditKey.key);
  if (auditKey.created) audit.append({ at: now(), userId: null, username: null, action: 'audit.keyed', target: null, outcome: 'ok', detail: { keyFile: auditKeyFile, protection: auditKey.protection } });
  if (auditKey.migrated) audit.append({ at: now(), userId: null, username: null, action: 'audit.keyProtected', target: null, outcome: 'ok', detail: { keyFile: auditKeyFile, protection: auditKey.protection } });
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
  seedMachines(machinesRepo, engRepo, registry, gate);
  const eng = new EngService(engRepo, registry, () => tellStatedRanges(registry, inference));
  // QoS 1 telemetry is acknowledged only once stored, so a crash loses none of it (the broker redelivers).
  const source = new MqttSource({ broker: appBroker, ingest: config.ingest, quarantine, gate, sparkplug: { maxNodes: config.ingest.sparkplugMaxNodes, maxDevicesPerNode: config.ingest.sparkplugMaxDevicesPerNode }, ackGate: { mark: () => writer.appendedRows, whenStored: (mark, ack) => writer.whenStored(mark, ack) } });

  // --- pipeline
  const fanOut = new FanOut((listener, err) => log(`fan-out listener ${listener} failed: ${(err as Error).message}`));
  const modelRepo = modelOutputRepository(db, now);
  const conditionRepo = conditionRepository(db, now);
  const inference = new ModelStage({ models: await loadModels(options.modelsDir ?? MODELS_DIR, LIVE_MODELS), repository: modelRepo, conditionStore: conditionRepo, conditionParams: config.conditionMonitor, onOutputs: (outputs) => fanOut.modelOutputs(outputs) });
  if (inference.health().state !== 'ok') log(`models: ${inference.health().detail}`);
  tellStatedRanges(registry, inference);
  const live = new LiveTelemetry();
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const emit = (name: EventName, payload: unknown) => {
    for (const l of listeners) l(name, payload);
  };
  const alarms = startAlarms({ config, db, audit, now, log, appLog, inference, fanOut, stats, gate, diagnostics, emit });
  const voice = createVoiceService({ db, config: config.voice, dataDir: config.dataDir, secrets: options.secrets ?? null, emit: (event) => emit('voice', event), log, clock: wallClock(now) });
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
    // "Increase monitoring frequency" from the plant optimizer reaches the machine's condition monitor.
    ...(inference.condition && { heighten: inference.condition.heighten.bind(inference.condition) }),
    now,
    monotonic,
  });
  fanOut.register({
    name: 'agents',
    onReading: (reading) => agents.reading(reading),
    onModelOutput: (outputs) => {
      for (const prediction of predictionsOf(outputs)) agents.predict(prediction);
    },
  });

  // MQTT, Modbus TCP and OPC UA readings and metas all take this one path (runtime-ingest.ts).
  const ingest = decodedReadingPath({ gate, quarantine, registry, fanOut, inference, live, stats, writer, eng, alarms, now, log, appended: (batch) => connectors.observe(batch) });
  source.onReadings(ingest.readings);
  source.onMeta(ingest.meta);
  source.onOffline((id) => registry.markOffline(id));
  // Modbus TCP, OPC UA and the historian (which forwards from the store, its buffer, on the history reader's connection).
  const connectors = createConnectors({
    config,
    quarantine,
    historyDb,
    settings: settingsRepository(db),
    readings: ingest.readings,
    meta: ingest.meta,
    offline: (id) => registry.markOffline(id),
    marks: qualityMarks(registry, readingMarks(db), log),
    log,
    now,
    defaultConsole: config.alarms.console ?? hostname(),
  });
  source.onState((state) => {
    if (state !== 'connected') registry.markAllStale();
    log(`broker ${shownBrokerUrl}: ${state}${source.lastError ? ` (${source.lastError})` : ''}`);
  });
  source.start();
  const alarmSync = syncKey
    ? new AlarmSync({
        broker: appBroker,
        site: config.alarms.site,
        alarms,
        key: syncKey,
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
  const backups = new BackupSchedule({ db, dir: join(config.dataDir, 'backups'), hourUtc: config.store.backupHourUtc, keep: config.store.backupKeep, now, log });

  const health = runtimeHealth({
    now,
    startedAt,
    brokerUrl: shownBrokerUrl,
    embeddedBroker: embedded !== null,
    source,
    simulator: () => ({ running: simulator !== null, machines: simulator ? config.simulator.machines : 0 }),
    registry,
    stats,
    quarantine,
    store: { path: dbPath, problem: store.problem, writer },
    models: inference,
    versions: () => ({ ...versions(), ...options.versions }),
    logs: appLog,
    plant: config.plant,
    connectors,
  });

  const shiftLog = createShiftLog({ db, plant: config.plant, now, machineExists: (id) => registry.get(id) !== undefined, alarmExists: (id) => alarms.get(id) !== undefined });
  const stopPeriodicWork = startPeriodicWork({ live, inference, diagnostics, agents, agentsEnabled: config.agents.enabled, stats, registry, fanOut, alarms, health, persistMachines, emit, now, log });

  // --- contract
  const sessions = new SessionTable(now, undefined, config.auth.lockAfterMinutes === null ? null : config.auth.lockAfterMinutes * 60_000, config.auth.sessionMaxHours * 3600_000);
  const setupToken = options.setupToken && userRepository(db).count() === 0 ? randomBytes(18).toString('base64url') : null;
  const auth = createAuthService({ users: userRepository(db), sessions, now, setupToken });
  const dispatch: Dispatch = createRouter({
    handlers: runtimeHandlers({ config, db, historyReader, kpiReader, now, log, emit, auth, sessions, health, registry, gate, machinesRepo, eng, quarantine, inference, modelRepo, conditionRepo, alarms, voice, audit, shiftLog, diagnostics, backups, agents, stats, connectors }),
    audit: loggedAudit(audit, appLog),
    touchSession: (token) => sessions.touch(token),
    now,
    log: (message, err) => log(`${message}: ${(err as Error)?.stack ?? String(err)}`),
    observe: diagnostics.call,
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
    alarms,
    alarmSync,
    voice,
    sessionLive: (token: string) => sessions.peek(token) !== null,
    setupToken,
    subscribe(listener: (name: EventName, payload: unknown) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopPeriodicWork();
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
      await historyReader.close();
      await kpiReader.close();
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
