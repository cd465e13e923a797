/** The runtime's periodic work: live batches and scoring, the staleness watchdog, health, alarm shelves. */
import type { EventName, Health } from '../common/contract';
import type { Machine } from '../common/telemetry';
import type { AgentHost } from './agents-host/host';
import type { AlarmService } from './alarms/alarm-service';
import { monotonic } from './clock';
import type { Diagnostics } from './diagnostics/diagnostics';
import type { MachineRegistry } from './ingest/machine-registry';
import type { ModelStage } from './inference/model-stage';
import type { FanOut } from './pipeline/fan-out';
import type { IngestStats } from './pipeline/ingest-stats';
import type { LiveTelemetry } from './pipeline/live-telemetry';
import type { WallMs } from '../common/time';

const LIVE_PUSH_MS = 250;
const WATCHDOG_MS = 1000;
const HEALTH_PUSH_MS = 2000;
/** Shelf expiry is checked this often; a shelf ends at most this late. */
const ALARM_TICK_MS = 1000;

export interface PeriodicInputs {
  live: LiveTelemetry;
  inference: ModelStage;
  diagnostics: Diagnostics;
  agents: AgentHost;
  agentsEnabled: boolean;
  stats: IngestStats;
  registry: MachineRegistry;
  fanOut: FanOut;
  alarms: AlarmService;
  health(): Health;
  persistMachines(changed: readonly Machine[]): void;
  emit(name: EventName, payload: unknown): void;
  now(): WallMs;
  log(message: string): void;
}

/** Starts the timers; the returned function stops them. */
export function startPeriodicWork(p: PeriodicInputs): () => void {
  const { inference, diagnostics, log } = p;
  const timers = [
    setInterval(() => {
      const batch = p.live.take();
      if (batch) p.emit('telemetry', { readings: batch });
      // Models score what arrived since the last tick in one batch: a run per message would cost
      // the per-call overhead of every model on every reading.
      const scoringFrom = monotonic();
      inference.flush().then(
        () => diagnostics.inference.ran(monotonic() - scoringFrom),
        (err: Error) => {
          diagnostics.inference.failed(monotonic() - scoringFrom, err.message);
          log(`models: scoring failed: ${err.message}`);
        },
      );
      if (p.agentsEnabled) p.agents.advance(p.stats.watermark);
    }, LIVE_PUSH_MS),
    setInterval(() => {
      const changed = p.registry.tick(p.now());
      if (changed.length > 0) {
        p.persistMachines(changed);
        p.fanOut.machines(changed);
        p.emit('machines', { machines: changed });
      }
    }, WATCHDOG_MS),
    setInterval(() => {
      const h = p.health();
      p.fanOut.health(h);
      p.emit('health', h);
    }, HEALTH_PUSH_MS),
    setInterval(() => p.alarms.tick(), ALARM_TICK_MS),
  ];
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
