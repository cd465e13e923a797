/**
 * Drives the plant model against wall time: ticks are evenly spaced in event time (1/rateHz apart)
 * and `speed` only decides how fast the event clock runs, so 1x and 1000x publish the same readings.
 */
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { connectBroker, type BrokerOptions, type Publish } from './broker';
import type { MissingDataOptions } from './missing-data';
import { Plant } from './plant';
import { metaMessage, telemetryMessage, type WireMessage } from './wire';

export interface SimulationOptions {
  machines: number;
  rateHz: number;
  /** Event-time multiplier: 60 runs an hour per minute; 0 or Infinity runs as fast as the publisher takes it. */
  speed: number;
  /** Event time of the first tick, epoch ms; default now. */
  startTs?: number;
  faultsPerMachinePerDay: number;
  seed: number;
  site: string;
  /** Event-time seconds to simulate before stopping by itself; default forever. */
  durationS?: number;
  utcOffsetMinutes?: number;
  /** Off, idle and stepped load per machine; default true. See PlantOptions. */
  operatingModes?: boolean;
  /** Lost readings and short outages; default none. See PlantOptions. */
  missingData?: MissingDataOptions;
  onProgress?: (stats: SimulatorStats) => void;
}

export interface SimulatorStats {
  ticks: number;
  messages: number;
  bytes: number;
  /** Event time of the last tick published, epoch ms; NaN before the first. */
  eventTs: number;
  activeFaults: number;
}

export interface SimulatorHandle {
  readonly plant: Plant;
  /** Settles when the run ends: after durationS, after stop(), or with the publisher's error. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
  stats(): SimulatorStats;
}

/** Work between yields when running flat out, so timers and sockets still get their turn. */
const MESSAGES_PER_YIELD = 5_000;
const PROGRESS_EVERY_MS = 250;

/** Runs the simulator through an injected publish, e.g. straight into an embedded broker. */
export function startSimulator(options: SimulationOptions & { publish: Publish }): SimulatorHandle {
  if (!(options.rateHz > 0)) throw new RangeError('rateHz must be positive');
  const plant = new Plant(options);
  const periodMs = 1000 / options.rateHz;
  const startTs = options.startTs ?? Date.now();
  const totalTicks = options.durationS === undefined ? Infinity : Math.ceil(options.durationS * options.rateHz);
  const paced = options.speed > 0 && Number.isFinite(options.speed);
  const ticksPerYield = Math.max(1, Math.floor(MESSAGES_PER_YIELD / options.machines));
  const abort = new AbortController();
  const stats: SimulatorStats = { ticks: 0, messages: 0, bytes: 0, eventTs: Number.NaN, activeFaults: 0 };
  let lastProgress = 0;

  const send = async (messages: WireMessage[]) => {
    let pending: Promise<void>[] | undefined;
    for (const m of messages) {
      const wait = options.publish(m.topic, m.payload, { retain: m.retain });
      stats.messages++;
      stats.bytes += m.payload.length;
      if (wait) (pending ??= []).push(wait);
    }
    if (pending) await Promise.all(pending);
  };

  const run = async () => {
    await send(plant.machines.map((m) => metaMessage(options.site, m)));
    const wallStart = Date.now();
    for (let k = 0; k < totalTicks && !abort.signal.aborted; k++) {
      const ts = startTs + Math.round(k * periodMs);
      const wait = paced ? wallStart + (ts - startTs) / options.speed - Date.now() : 0;
      if (wait > 0) await sleep(wait, undefined, { signal: abort.signal }).catch(() => undefined);
      else if (k % ticksPerYield === 0) await yieldToLoop();
      if (abort.signal.aborted) break;
      await send(plant.step(ts).map((sample) => telemetryMessage(options.site, sample)));
      stats.ticks++;
      stats.eventTs = ts;
      if (options.onProgress && Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        options.onProgress(snapshot());
      }
    }
    options.onProgress?.(snapshot());
  };

  const snapshot = (): SimulatorStats => ({ ...stats, activeFaults: plant.activeFaults().length });
  const done = run();
  return {
    plant,
    done,
    stop: async () => {
      abort.abort();
      await done.catch(() => undefined);
    },
    stats: snapshot,
  };
}

/** Runs the simulator against an MQTT broker, publishing telemetry at QoS 0 and meta retained. */
export async function runSimulator(options: SimulationOptions & BrokerOptions): Promise<SimulatorHandle> {
  const link = await connectBroker(options);
  const inner = startSimulator({ ...options, publish: link.publish });
  const done = inner.done.finally(() => link.close());
  return {
    plant: inner.plant,
    done,
    stop: async () => {
      await inner.stop();
      await done.catch(() => undefined);
    },
    stats: inner.stats,
  };
}
