/**
 * The composition root: everything the main process does, with no `electron` import. The Electron
 * host and the headless host both call startRuntime and only add their own windows or sockets.
 *
 * A reading's path: broker -> ingest (decode, quarantine, machine registry) -> pipeline (features,
 * alarm hooks, live batches to screens) -> store (telemetry writer in a worker thread).
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createScheduler } from '../agents/scheduler';
import type { EventName, Health } from '../common/contract';
import type { Machine } from '../common/telemetry';
import { AlarmHooks } from './alarms/alarm-hooks';
import { createAuthService } from './auth/auth-service';
import { SessionTable } from './auth/sessions';
import { simulatorEnabled, type AppConfig } from './config';
import { startEmbeddedBroker, type EmbeddedBroker } from './ingest/embedded-broker';
import { MachineRegistry } from './ingest/machine-registry';
import { MqttSource } from './ingest/mqtt-source';
import { Quarantine } from './ingest/quarantine';
import { createHandlers } from './ipc/handlers';
import { createRouter, type Dispatch } from './ipc/router';
import { FeatureEngine } from './pipeline/features/engine';
import { LiveTelemetry } from './pipeline/live-telemetry';
import { IngestStats } from './pipeline/ingest-stats';
import { runSimulator, type SimulatorHandle } from './sim/simulate';
import { createAuditLog } from './store/audit-log';
import { BackupSchedule } from './store/backup-schedule';
import { queryHistory } from './store/history';
import { machineRepository } from './store/machines';
import { openDatabase } from './store/open-database';
import { userRepository } from './store/users';
import { TelemetryWriter } from './store/telemetry-writer';
import { claimDataDir } from './run-lock';
import { versions } from './versions';

export interface RuntimeOptions {
  log(message: string): void;
  /** better-sqlite3 binary for a host whose ABI differs from Node's (Electron in development). */
  sqliteBinding?: string;
  /** Extra versions to report (Electron, Chrome). */
  versions?: Record<string, string>;
  /** Wall clock; injected by tests. */
  now?: () => number;
}

export const DATABASE_FILE = 'factorybrain.db';
const LIVE_PUSH_MS = 250;
const WATCHDOG_MS = 1000;
const HEALTH_PUSH_MS = 2000;

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
  const dbPath = join(config.dataDir, DATABASE_FILE);

  // --- store
  const db = openDatabase(dbPath, { nativeBinding: options.sqliteBinding });
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
  const source = new MqttSource({ broker: { ...config.broker, url: brokerUrl }, ingest: config.ingest, quarantine });

  // --- pipeline
  const features = new FeatureEngine();
  const hooks = new AlarmHooks((hook, err) => log(`alarm hook ${hook} failed: ${(err as Error).message}`));
  const live = new LiveTelemetry();
  const scheduler = createScheduler({
    agents: [],
    budgetMs: 50,
    now: () => performance.now(),
    onDecision: () => {},
    onError: (e) => log(`agent ${e.agent}: ${e.kind}: ${e.message}`),
  });

  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const emit = (name: EventName, payload: unknown) => {
    for (const l of listeners) l(name, payload);
  };

  source.onReadings((batch, protocol) => {
    for (const reading of batch) {
      registry.observe(reading, protocol);
      const frame = features.update(reading);
      hooks.reading(reading, frame);
      live.add(reading);
      stats.received(reading);
    }
    writer.append(batch);
  });
  source.onMeta((meta) => registry.applyMeta(meta, now()));
  source.onOffline((id) => registry.markOffline(id));
  source.onState((state) => {
    if (state !== 'connected') registry.markAllStale();
    log(`broker ${brokerUrl}: ${state}${source.lastError ? ` (${source.lastError})` : ''}`);
  });
  source.start();

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
      scheduler.advance(stats.watermark);
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

  function health(): Health {
    const counts = quarantine.counts();
    const degraded = source.state !== 'connected' || writer.lastError !== null;
    return {
      status: degraded ? 'degraded' : 'ok',
      uptimeS: Math.round((now() - startedAt) / 1000),
      broker: { url: brokerUrl, embedded: embedded !== null, state: source.state, lastError: source.lastError },
      simulator: { running: simulator !== null, machines: simulator ? config.simulator.machines : 0 },
      machinesKnown: registry.size,
      readingsPerSecond: Math.round(stats.readingsPerSecond()),
      quarantine: { total: quarantine.total, byReason: counts },
      store: { path: dbPath, bytes: storeBytes(), pendingRows: writer.pendingRows, lastError: writer.lastError },
      models: { state: 'not_loaded', detail: 'no model is configured yet; anomaly scores are unknown' },
      versions: { ...versions(), ...options.versions },
    };
  }

  // --- contract
  const sessions = new SessionTable(now);
  const auth = createAuthService({ users: userRepository(db), sessions, now });
  const dispatch: Dispatch = createRouter({
    handlers: createHandlers({
      auth,
      health,
      machines: () => registry.list(),
      history: (request) => queryHistory(historyDb, request),
      quarantine,
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
    sessionLive: (token: string) => sessions.peek(token) !== null,
    subscribe(listener: (name: EventName, payload: unknown) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      backups.stop();
      await simulator?.stop();
      await source.stop();
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
