/**
 * alarms.kpis off the main thread, on a read worker (main/store/read-worker.ts): a quarter of the
 * journal takes seconds to read and sort, and ingest, the timers and the transports keep running
 * meanwhile. The range is checked here, so a bad one is refused at once; the worker reads the journal
 * and the alarm points on its own read-only connection and computes what AlarmQueries.kpis computes.
 * It lives beside the alarms, not in main/store/, because the store may not import them.
 */
import type { ParsedRequest } from '../../common/contract';
import type { AlarmKpis } from '../../common/contract-alarms';
import type { WallMs } from '../../common/time';
import { ReadWorker, type ReaderOptions } from '../store/read-worker';
import { kpiRange, type KpiRange } from './alarm-queries';

export interface KpiReaderOptions extends ReaderOptions {
  /** The wall clock the default range ends at and stale alarms are judged by. */
  now(): WallMs;
}

/**
 * Beside this module as .ts under tsx and vitest, and as the .js entry electron-vite emits next to the
 * bundled main process (electron.vite.config.ts).
 */
export function kpiWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./kpi-reader.worker.ts', import.meta.url) : new URL('./kpi-reader.worker.js', import.meta.url);
}

export class KpiReader {
  private constructor(
    private readonly reads: ReadWorker<KpiRange, AlarmKpis>,
    private readonly now: () => WallMs,
  ) {}

  /** Resolves once the worker has opened the database, so a bad path fails the start, not the first read. */
  static async start(options: KpiReaderOptions): Promise<KpiReader> {
    const { now, ...rest } = options;
    const reads = await ReadWorker.start<KpiRange, AlarmKpis>({ ...rest, url: kpiWorkerUrl(), what: 'KPI reader', reads: 'KPI reads', narrower: 'ask for a shorter range' });
    return new KpiReader(reads, now);
  }

  read(request: ParsedRequest<'alarms.kpis'>): Promise<AlarmKpis> {
    let range: KpiRange;
    try {
      range = kpiRange(request, this.now());
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.reads.read(range, `alarm KPI read of ${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()}`);
  }

  close(): Promise<void> {
    return this.reads.close();
  }
}
