/**
 * Replays a recorded CSV onto a broker in event time: rows keep their recorded spacing, divided by
 * `speed`. The file is streamed line by line, so its size does not matter; bad lines are counted,
 * reported with their line numbers and skipped. Timestamps without a zone are read as UTC (see
 * parseTimestamp in ./csv).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { connectBroker, type BrokerOptions, type Publish } from './broker';
import { CsvRowReader, type Delimiter } from './csv';
import { telemetryTopic, type TelemetryPayload } from './wire';

export interface ReplayOptions {
  file: string;
  /** Full topic to publish on; otherwise factory/<site>/<area>/<machine>/telemetry. */
  topic?: string;
  machine?: string;
  site?: string;
  area?: string;
  delimiter?: Delimiter;
  timeColumn?: string;
  mapping?: Record<string, string>;
  /** 1 = recorded pace, 1000 = 1000x, 0 or Infinity = as fast as the broker takes it. */
  speed: number;
  /** Move the recording so its first row is now; by default the recorded timestamps are kept. */
  shiftToNow?: boolean;
  /** Progress in bytes of the file. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface BadLine {
  line: number;
  reason: string;
}

export interface ReplayResult {
  published: number;
  badLines: number;
  /** The first MAX_REPORTED bad lines, 1-based as an editor shows them. */
  bad: BadLine[];
  firstTs: number | undefined;
  lastTs: number | undefined;
}

const MAX_REPORTED = 100;
const ROWS_PER_YIELD = 1_000;

export function replayTopic(options: Pick<ReplayOptions, 'topic' | 'machine' | 'site' | 'area'>): string {
  if (options.topic) return options.topic;
  if (!options.machine) throw new Error('replay needs a topic or a machine id');
  return telemetryTopic(options.site ?? 'plant1', options.area ?? 'replay', options.machine);
}

/** Replays through an injected publish. */
export async function replayCsvWith(publish: Publish, options: ReplayOptions): Promise<ReplayResult> {
  const topic = replayTopic(options);
  const total = (await stat(options.file)).size;
  const paced = options.speed > 0 && Number.isFinite(options.speed);
  const result: ReplayResult = { published: 0, badLines: 0, bad: [], firstTs: undefined, lastTs: undefined };
  const lines = createInterface({ input: createReadStream(options.file), crlfDelay: Infinity });
  let reader: CsvRowReader | undefined;
  let lineNo = 0;
  let bytes = 0;
  let offset = 0;
  let wallStart = 0;

  try {
    for await (const line of lines) {
      lineNo++;
      bytes += Buffer.byteLength(line) + 1;
      if (options.signal?.aborted) break;
      if (!reader) {
        reader = new CsvRowReader(line, options);
        continue;
      }
      if (line.trim() === '') continue;
      const row = reader.read(line);
      if ('error' in row) {
        result.badLines++;
        if (result.bad.length < MAX_REPORTED) result.bad.push({ line: lineNo, reason: row.error });
        continue;
      }
      if (result.firstTs === undefined) {
        result.firstTs = row.ts;
        wallStart = Date.now();
        if (options.shiftToNow) offset = wallStart - row.ts;
      }
      const wait = paced ? wallStart + (row.ts - result.firstTs) / options.speed - Date.now() : 0;
      if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
      else if (result.published % ROWS_PER_YIELD === 0) await yieldToLoop();
      if (options.signal?.aborted) break;

      const payload: TelemetryPayload = { ts: row.ts + offset, metrics: row.metrics };
      await publish(topic, JSON.stringify(payload), { retain: false });
      result.published++;
      result.lastTs = row.ts;
      options.onProgress?.(Math.min(bytes, total), total);
    }
  } finally {
    lines.close();
  }
  if (!reader) throw new Error(`${options.file} is empty`);
  options.onProgress?.(total, total);
  return result;
}

/** Replays a CSV to an MQTT broker at QoS 0. */
export async function replayCsv(options: ReplayOptions & BrokerOptions): Promise<ReplayResult> {
  const link = await connectBroker(options);
  try {
    return await replayCsvWith(link.publish, options);
  } finally {
    await link.close();
  }
}
