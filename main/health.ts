/**
 * The runtime's health: broker, store, models, sources and logs in one view, which the header, the
 * system alarms and `health.get` read. Degraded while the broker is not connected or the store failed.
 */
import type { Health } from '../common/contract';
import type { AppConfig } from './config';
import type { ModelStage } from './inference/model-stage';
import type { MachineRegistry } from './ingest/machine-registry';
import type { MqttSource } from './ingest/mqtt-source';
import type { Quarantine } from './ingest/quarantine';
import type { IngestStats } from './pipeline/ingest-stats';
import { databaseBytes } from './store/database-file';
import type { TelemetryWriter } from './store/telemetry-writer';
import type { WallMs } from '../common/time';

export interface HealthParts {
  now(): WallMs;
  startedAt: WallMs;
  /** Without the credentials a URL may carry. */
  brokerUrl: string;
  embeddedBroker: boolean;
  source: Pick<MqttSource, 'state' | 'lastError'>;
  simulator(): Health['simulator'];
  registry: Pick<MachineRegistry, 'size'>;
  stats: Pick<IngestStats, 'readingsPerSecond'>;
  quarantine: Pick<Quarantine, 'counts' | 'total'>;
  /** The database file, the problem found when it was opened, and its writer. */
  store: { path: string; problem: string | null; writer: Pick<TelemetryWriter, 'lastError' | 'pendingRows'> };
  models: Pick<ModelStage, 'health'>;
  versions(): Health['versions'];
  logs: { status(): Health['logs'] };
  plant: AppConfig['plant'];
  connectors: { fieldSources(): Health['fieldSources']; historian(): Health['historian'] };
}

export function runtimeHealth(parts: HealthParts): () => Health {
  return () => {
    const { source, store } = parts;
    const storeError = store.writer.lastError ?? store.problem;
    const degraded = source.state !== 'connected' || storeError !== null;
    return {
      status: degraded ? 'degraded' : 'ok',
      uptimeS: Math.round((parts.now() - parts.startedAt) / 1000),
      broker: { url: parts.brokerUrl, embedded: parts.embeddedBroker, state: source.state, lastError: source.lastError },
      simulator: parts.simulator(),
      machinesKnown: parts.registry.size,
      readingsPerSecond: Math.round(parts.stats.readingsPerSecond()),
      quarantine: { total: parts.quarantine.total, byReason: parts.quarantine.counts() },
      store: { path: store.path, bytes: databaseBytes(store.path), pendingRows: store.writer.pendingRows, lastError: storeError },
      models: parts.models.health(),
      versions: parts.versions(),
      logs: parts.logs.status(),
      plant: { timeZone: parts.plant.timeZone, shiftStartHours: [...parts.plant.shiftStartHours] },
      fieldSources: parts.connectors.fieldSources(),
      historian: parts.connectors.historian(),
    };
  };
}
