/**
 * The one decoded-reading path: MQTT, Modbus TCP and OPC UA all hand their readings and metas here,
 * through the one cardinality gate, and from here they reach the registry, the fan-out, the models,
 * the screens and the store.
 */
import type { QualityMark, Reading } from '../common/telemetry';
import type { AlarmService } from './alarms/alarm-service';
import { createCardinalityAdmission } from './ingest/cardinality-admission';
import type { CardinalityGate } from './ingest/cardinality-gate';
import type { MachineMeta, Protocol } from './ingest/decoded';
import type { EngService } from './ingest/eng-service';
import type { MachineRegistry } from './ingest/machine-registry';
import type { Quarantine } from './ingest/quarantine';
import type { ModelStage } from './inference/model-stage';
import type { FanOut } from './pipeline/fan-out';
import type { IngestStats } from './pipeline/ingest-stats';
import type { LiveTelemetry } from './pipeline/live-telemetry';
import type { EngRepository } from './store/eng-repository';
import type { MachineRepository } from './store/machines';
import type { ReadingMarks } from './store/reading-marks';
import type { TelemetryWriter } from './store/telemetry-writer';
import type { WallMs } from '../common/time';

/** The machines the store knows, with their saved units, before the first message: the gate counts them and the registry shows them. */
export function seedMachines(machines: MachineRepository, engRepo: EngRepository, registry: MachineRegistry, gate: CardinalityGate): void {
  const engSources = engRepo.sources();
  for (const m of machines.list()) {
    gate.seed([m.id]);
    const engSource = engSources.get(m.id);
    registry.applyMeta({ id: m.id, site: m.site, area: m.area, type: m.type, name: m.name, protocol: m.protocol, ...(engSource ? { eng: engSource } : {}) }, m.lastSeen);
  }
}

export interface ReadingPathInputs {
  gate: CardinalityGate;
  quarantine: Quarantine;
  registry: MachineRegistry;
  fanOut: FanOut;
  inference: ModelStage;
  live: LiveTelemetry;
  stats: IngestStats;
  writer: TelemetryWriter;
  eng: EngService;
  alarms: AlarmService;
  now(): WallMs;
  log(message: string): void;
  /** Told of each batch once it is handed to the writer (the historian notes late readings). */
  appended(batch: Reading[]): void;
}

export interface ReadingPath {
  readings(received: Reading[], protocol: Protocol): void;
  meta(meta: MachineMeta): void;
}

export function decodedReadingPath(p: ReadingPathInputs): ReadingPath {
  const { registry, inference, now, log } = p;
  const admission = createCardinalityAdmission({ gate: p.gate, quarantine: p.quarantine, now });
  return {
    readings(received, protocol) {
      const batch = admission.readings(received, protocol);
      if (batch.length === 0) return;
      for (const reading of batch) {
        registry.observe(reading, protocol);
        // The monitor sees the reading first: limit alarms ask it for the machine's state as of this reading.
        inference.observe(reading);
        p.fanOut.reading(reading);
        p.live.add(reading);
        p.stats.received(reading);
      }
      p.writer.append(batch);
      p.appended(batch);
    },
    meta(meta) {
      if (!admission.meta(meta)) return;
      registry.applyMeta(meta, now());
      try {
        p.eng.published(meta.id, meta.eng);
      } catch (err) {
        log(`store: units of ${meta.id} not saved: ${(err as Error).message}`);
      }
      p.alarms.applyMeta(meta.id, meta.limits);
      if (meta.stateSignal !== undefined) inference.condition?.setStateSignal(meta.id, meta.stateSignal);
      tellStatedRanges(registry, inference, [meta.id]);
    },
  };
}

/** The condition monitor places operating states by each metric's stated normal range (meta over engineers' edits, as the screens show them). */
export function tellStatedRanges(registry: MachineRegistry, inference: ModelStage, ids: Iterable<string> = registry.list().map((m) => m.id)): void {
  const monitor = inference.condition;
  if (!monitor) return;
  for (const id of ids) {
    const eng = registry.get(id)?.eng;
    if (eng) monitor.setNormalRanges(id, eng);
  }
}

/** Bad and Uncertain values (OPC UA status codes): shown marked on their machine and stored. */
export function qualityMarks(registry: MachineRegistry, repository: ReadingMarks, log: (message: string) => void): (marks: QualityMark[], protocol: Protocol) => void {
  return (marks, protocol) => {
    for (const mark of marks) registry.markQuality(mark, protocol);
    try {
      repository.insert(marks);
    } catch (err) {
      log(`store: quality marks not saved: ${(err as Error).message}`);
    }
  };
}
