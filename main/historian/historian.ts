/**
 * Store and forward to the enterprise historian (PostgreSQL, TimescaleDB where present). The local
 * SQLite store is the buffer: each stream (raw readings or rollups per machine, the values their
 * source marked Bad or Uncertain in the order they were stored, the alarm journal, model outputs) is read after its position and sent in one transaction together with its new
 * position, so after any outage forwarding resumes exactly where the database says it stopped, in
 * order. Rows carry site and console in their keys and are inserted ON CONFLICT DO NOTHING, so a
 * batch sent twice (a commit whose answer was lost) lands once.
 *
 * A reading that arrives after its machine's position has passed it (a broker redelivering after an
 * outage, a reordered Sparkplug message) is sent again once it is stored: observe() notes it.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { Reading } from '../../common/telemetry';
import { Backoff } from '../ingest/backoff';
import { collectJournal, collectMarks, collectModels, collectRollups, emptyBatch, mergeInto, type Batch, type CollectSource, type Positions } from './historian-batch';
import type { HistorianConfig } from './historian-config';
import { sendBatch } from './historian-send';
import { countBacklog, type HistorianStatus } from './historian-status';
import type { LocalOutbox } from './local-outbox';
import { ensureSchema, SchemaMismatchError } from './pg-schema';
import { RawCollector } from './raw-collector';
import type { WallMs } from '../../common/time';

export { historianAlarm, type HistorianState, type HistorianStatus } from './historian-status';

export interface HistorianOptions {
  config: HistorianConfig;
  outbox: LocalOutbox;
  site: string;
  console: string;
  now?: () => WallMs;
  log?: (message: string) => void;
  /** How long a late reading may take to be committed locally before it is sent again. */
  lateSettleMs?: number;
  /** How often the backlog is counted. */
  backlogEveryMs?: number;
  readFile?: (path: string) => Buffer;
}

const SCHEMA_RETRY_MS = 30_000;

export class Historian {
  /** One connection per lane; lane i forwards the machines whose id hashes to i, lane 0 also the journal and model outputs. */
  private clients: pg.Client[] | null = null;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;
  /** stream -> key -> position, as committed in the historian. */
  private cursors: Positions = new Map();
  /** Positions including batches still in flight: the next batch is read while the last one commits. */
  private ahead: Positions = new Map();
  /** Per lane, the transaction in flight; the next one waits for it, and never runs after a failed one. */
  private laneChains: Promise<void>[] = [];
  private inflight: Promise<void> | null = null;
  private cursorsLoaded = false;
  private readonly raw = new RawCollector();
  private readonly source: CollectSource;
  private lastBacklogAt = -Infinity;
  private readonly backoff = new Backoff({ initialMs: 1000, maxMs: 10_000 });
  private readonly now: () => WallMs;
  private readonly stat: HistorianStatus = {
    state: 'connecting',
    lastError: null,
    backlogRows: null,
    backlogCapped: false,
    backlogSeconds: null,
    backlogAt: null,
    forwardedValues: 0,
    forwardedEvents: 0,
    forwardedModelOutputs: 0,
    forwardedMarks: 0,
    duplicatesSkipped: 0,
    timescale: false,
    failingSince: null,
  };

  constructor(private readonly options: HistorianOptions) {
    this.now = options.now ?? Date.now;
    this.source = { outbox: options.outbox, config: options.config, next: (stream, key) => this.next(stream, key) };
  }

  status(): HistorianStatus {
    return { ...this.stat };
  }

  /** Hot path, one call per ingest batch: notes readings older than what was already forwarded. */
  observe(batch: readonly Reading[]): void {
    if (!this.cursorsLoaded || this.options.config.readings !== 'raw') return;
    const raw = this.cursors.get('raw');
    if (raw) this.raw.observe(batch, raw);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loopDone;
    await this.disconnect();
    this.stat.state = 'stopped';
  }

  /** Forwards until nothing is waiting (tests and benchmarks); throws what the database throws. */
  async drain(): Promise<void> {
    await this.ensureConnected();
    try {
      while (await this.forwardOnce());
    } catch (err) {
      await this.disconnect();
      throw err;
    }
    this.countBacklog(true);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let delay = this.options.config.intervalMs;
      try {
        await this.ensureConnected();
        const more = await this.forwardOnce();
        this.backoff.reset();
        if (this.stat.state !== 'ok') this.options.log?.('historian: forwarding');
        this.stat.state = 'ok';
        this.stat.lastError = null;
        this.stat.failingSince = null;
        if (more) delay = 0;
      } catch (err) {
        const mismatch = err instanceof SchemaMismatchError;
        const message = (err as Error).message;
        if (this.stat.lastError !== message) this.options.log?.(`historian: ${message}`);
        this.stat.state = mismatch ? 'schema_mismatch' : 'failing';
        this.stat.lastError = message;
        this.stat.failingSince ??= this.now();
        await this.disconnect();
        delay = mismatch ? SCHEMA_RETRY_MS : this.backoff.next();
      }
      // the backlog is counted while waiting too: during an outage it is what the alarm watches
      const until = Date.now() + delay;
      for (;;) {
        try {
          this.countBacklog(false);
        } catch (err) {
          this.stat.lastError = `backlog not counted: ${(err as Error).message}`;
        }
        const left = until - Date.now();
        if (!this.running || left <= 0) break;
        await this.sleep(Math.min(left, this.options.backlogEveryMs ?? 5_000, 5_000) || left);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        if (this.sleepTimer) clearTimeout(this.sleepTimer);
        this.sleepTimer = null;
        this.wake = null;
        resolve();
      };
      this.sleepTimer = setTimeout(() => this.wake?.(), ms);
    });
  }

  private async ensureConnected(): Promise<void> {
    if (this.clients) return;
    const lanes = this.options.config.connections;
    const clients: pg.Client[] = [];
    try {
      for (let i = 0; i < lanes; i++) {
        const client = this.newClient();
        clients.push(client);
        await client.connect();
      }
      const { timescale } = await ensureSchema(clients[0]!);
      this.stat.timescale = timescale;
      await this.loadCursors(clients[0]!);
    } catch (err) {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      throw err;
    }
    this.clients = clients;
  }

  private newClient(): pg.Client {
    const { config } = this.options;
    const read = this.options.readFile ?? ((p: string) => readFileSync(p));
    const client = new pg.Client({
      connectionString: config.url!,
      ...(config.password !== undefined && { password: config.password }),
      ...(config.tls && { ssl: { rejectUnauthorized: config.tls.rejectUnauthorized, ...(config.tls.caFile && { ca: read(config.tls.caFile).toString() }) } }),
      connectionTimeoutMillis: 10_000,
      query_timeout: 120_000,
      application_name: `factorybrain ${this.options.site}/${this.options.console}`,
    });
    // a dropped connection surfaces as an error of the next query; this keeps it from being unhandled
    client.on('error', () => undefined);
    return client;
  }

  private async disconnect(): Promise<void> {
    const clients = this.clients;
    this.clients = null;
    this.inflight = null;
    this.laneChains = [];
    this.ahead = new Map([...this.cursors].map(([k, v]) => [k, new Map(v)]));
    if (clients) await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }

  private async loadCursors(client: pg.Client): Promise<void> {
    const { rows } = await client.query<{ stream: string; key: string; position: string }>('SELECT stream, key, position FROM fb_forward_cursors WHERE site = $1 AND console = $2', [this.options.site, this.options.console]);
    const cursors: Positions = new Map();
    for (const r of rows) {
      let s = cursors.get(r.stream);
      if (!s) cursors.set(r.stream, (s = new Map()));
      s.set(r.key, Number(r.position));
    }
    this.cursors = cursors;
    this.ahead = new Map([...cursors].map(([k, v]) => [k, new Map(v)]));
    this.cursorsLoaded = true;
  }

  private position(stream: string, key: string): number {
    return this.cursors.get(stream)?.get(key) ?? -Infinity;
  }

  /** Where the next batch starts: past what is committed and what is in flight. */
  private next(stream: string, key: string): number {
    return this.ahead.get(stream)?.get(key) ?? this.position(stream, key);
  }

  /**
   * One batch per lane, each in one transaction, the lanes in parallel. The call returns once the
   * previous batches have committed, so one batch is read from the local store while the last one
   * is written: returns whether more is waiting (false only when everything sent has committed).
   */
  private async forwardOnce(): Promise<boolean> {
    const { config } = this.options;
    const clients = this.clients;
    if (!clients) throw new Error('not connected to the historian');
    const batches = clients.map(() => emptyBatch());
    const first = batches[0]!;
    if (config.alarms) collectJournal(this.source, first);
    if (config.models) collectModels(this.source, first);
    // quality marks travel with the readings, raw or rolled up: a summary still says where its source was Bad
    if (config.readings !== 'none') collectMarks(this.source, first);
    if (config.readings === 'raw') this.raw.collect(this.source, batches, this.now(), this.options.lateSettleMs ?? 5_000);
    else if (config.readings !== 'none') collectRollups(this.source, first, config.readings === '1m' ? 'rollup_1m' : 'rollup_1h');
    const previous = this.inflight;
    if (batches.every((b) => b.cursors.size === 0)) {
      this.inflight = null;
      if (previous) await previous;
      return false;
    }
    for (const b of batches) mergeInto(this.ahead, b.cursors);
    while (this.laneChains.length < clients.length) this.laneChains.push(Promise.resolve());
    const sending = batches.map((b, i) => {
      if (b.cursors.size === 0) return null;
      // chained with then(): after a failed transaction on this lane the next one never starts
      const p = this.laneChains[i]!.then(() => this.send(clients[i]!, b));
      this.laneChains[i] = p;
      return p;
    });
    const generation = Promise.allSettled(sending.map((p) => p ?? Promise.resolve())).then((results) => {
      // a lane that committed keeps its positions even when another failed
      results.forEach((r, i) => {
        if (r.status === 'fulfilled' && sending[i] !== null) mergeInto(this.cursors, batches[i]!.cursors);
      });
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
    generation.catch(() => undefined);
    this.inflight = generation;
    if (previous) await previous;
    const more = batches.some((b) => b.full);
    if (!more) {
      this.inflight = null;
      await generation;
    }
    return more;
  }

  private async send(client: pg.Client, batch: Batch): Promise<void> {
    const sent = await sendBatch(client, batch, this.options.site, this.options.console, this.options.config.readings);
    this.stat.forwardedValues += sent.inserted;
    this.stat.duplicatesSkipped += sent.sent - sent.inserted + sent.journalDuplicates + sent.markDuplicates;
    this.stat.forwardedMarks += sent.marks;
    this.stat.forwardedEvents += sent.events;
    this.stat.forwardedModelOutputs += sent.models;
  }

  /** Counts what waits locally, at most every backlogEveryMs unless forced. */
  private countBacklog(force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastBacklogAt < (this.options.backlogEveryMs ?? 5_000)) return;
    this.lastBacklogAt = now;
    if (!this.cursorsLoaded) return;
    const backlog = countBacklog(this.options.outbox, this.options.config, (stream, key) => this.position(stream, key), now);
    this.stat.backlogRows = backlog.rows;
    this.stat.backlogCapped = backlog.capped;
    this.stat.backlogSeconds = backlog.seconds;
    this.stat.backlogAt = now;
  }
}
