/**
 * Store and forward to the enterprise historian (PostgreSQL, TimescaleDB where present). The local
 * SQLite store is the buffer: each stream (raw readings or rollups per machine, the alarm journal,
 * model outputs) is read after its position and sent in one transaction together with its new
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
import type { HistorianConfig } from './historian-config';
import type { LocalOutbox, RawRow, RollupTable } from './local-outbox';
import { ensureSchema, SchemaMismatchError } from './pg-schema';

export type HistorianState = 'connecting' | 'ok' | 'failing' | 'schema_mismatch' | 'stopped';

export interface HistorianStatus {
  state: HistorianState;
  lastError: string | null;
  /** Rows (readings, rollups, journal events) in the local store not yet in the historian; null before the first connection. */
  backlogRows: number | null;
  /** True when backlogRows stopped counting at its cap (the backlog is at least that). */
  backlogCapped: boolean;
  /** Event-time age of the oldest row waiting, seconds; 0 when caught up, null when not known. */
  backlogSeconds: number | null;
  /** Wall time of that count. */
  backlogAt: number | null;
  forwardedValues: number;
  forwardedEvents: number;
  forwardedModelOutputs: number;
  /** Rows the database already had (a re-sent batch); they are not counted again. */
  duplicatesSkipped: number;
  timescale: boolean;
  /** Wall time the current failure began; null while forwarding works. */
  failingSince: number | null;
}

export interface HistorianOptions {
  config: HistorianConfig;
  outbox: LocalOutbox;
  site: string;
  console: string;
  /** Wall clock, epoch ms. */
  now?: () => number;
  log?: (message: string) => void;
  /** How long a late reading may take to be committed locally before it is sent again. */
  lateSettleMs?: number;
  /** How often the backlog is counted. */
  backlogEveryMs?: number;
  readFile?: (path: string) => Buffer;
}

const BACKLOG_CAP_PER_KEY = 1_000_000;
const SCHEMA_RETRY_MS = 30_000;
const DEFAULT_WIDTH = 8;

interface Batch {
  machines: string[];
  sensors: string[];
  ts: number[];
  values: (number | null)[];
  rollups: { machine: string[]; sensor: string[]; bucket: number[]; n: number[]; avg: (number | null)[]; min: (number | null)[]; max: (number | null)[] };
  journal: object[];
  models: object[];
  cursors: Map<string, Map<string, number>>;
  /** Whether some stream filled its share: more is waiting. */
  full: boolean;
}

const emptyBatch = (): Batch => ({
  machines: [],
  sensors: [],
  ts: [],
  values: [],
  rollups: { machine: [], sensor: [], bucket: [], n: [], avg: [], min: [], max: [] },
  journal: [],
  models: [],
  cursors: new Map(),
  full: false,
});

export class Historian {
  /** One connection per lane; lane i forwards the machines whose id hashes to i, lane 0 also the journal and model outputs. */
  private clients: pg.Client[] | null = null;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;
  /** stream -> key -> position, as committed in the historian. */
  private cursors = new Map<string, Map<string, number>>();
  /** Positions including batches still in flight: the next batch is read while the last one commits. */
  private ahead = new Map<string, Map<string, number>>();
  /** Per lane, the transaction in flight; the next one waits for it, and never runs after a failed one. */
  private laneChains: Promise<void>[] = [];
  private inflight: Promise<void> | null = null;
  private cursorsLoaded = false;
  private readonly late = new Map<string, { from: number; notedAt: number }>();
  private readonly widths = new Map<string, number>();
  private rr = 0;
  private lastBacklogAt = -Infinity;
  private readonly backoff = new Backoff({ initialMs: 1000, maxMs: 10_000 });
  private readonly now: () => number;
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
    duplicatesSkipped: 0,
    timescale: false,
    failingSince: null,
  };

  constructor(private readonly options: HistorianOptions) {
    this.now = options.now ?? Date.now;
  }

  status(): HistorianStatus {
    return { ...this.stat };
  }

  /** Hot path, one call per ingest batch: notes readings older than what was already forwarded. */
  observe(batch: readonly Reading[]): void {
    if (!this.cursorsLoaded || this.options.config.readings !== 'raw') return;
    const raw = this.cursors.get('raw');
    if (!raw) return;
    for (const r of batch) {
      const at = raw.get(r.machineId);
      if (at === undefined || r.ts > at) continue;
      const prior = this.late.get(r.machineId);
      if (!prior || r.ts < prior.from) this.late.set(r.machineId, { from: r.ts, notedAt: prior?.notedAt ?? r.receivedAt });
    }
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
    const cursors = new Map<string, Map<string, number>>();
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
    if (config.alarms) this.collectJournal(first);
    if (config.models) this.collectModels(first);
    if (config.readings === 'raw') this.collectRaw(batches);
    else if (config.readings !== 'none') this.collectRollups(first, config.readings === '1m' ? 'rollup_1m' : 'rollup_1h');
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

  private advance(batch: Batch, stream: string, key: string, position: number): void {
    let s = batch.cursors.get(stream);
    if (!s) batch.cursors.set(stream, (s = new Map()));
    s.set(key, Math.max(position, s.get(key) ?? -Infinity));
  }

  private collectJournal(batch: Batch): void {
    const limit = Math.max(100, Math.floor(this.options.config.batchValues / 10));
    const rows = this.options.outbox.journalAfter(Math.max(0, this.next('alarms', '')), limit);
    if (rows.length === 0) return;
    for (const r of rows) batch.journal.push({ ...r, active: r.active === 1, at: r.at });
    this.advance(batch, 'alarms', '', rows.at(-1)!.seq);
    if (rows.length === limit) batch.full = true;
  }

  private collectModels(batch: Batch): void {
    for (const r of this.options.outbox.modelOutputs()) {
      const key = JSON.stringify([r.machine_id, r.model]);
      if (r.ts <= this.next('models', key)) continue;
      let output: unknown;
      try {
        output = JSON.parse(r.output);
      } catch {
        output = { unparsable: r.output.slice(0, 1000) };
      }
      batch.models.push({ machine_id: r.machine_id, model: r.model, ts: r.ts, state: r.state, output });
      this.advance(batch, 'models', key, r.ts);
    }
  }

  /**
   * Appends one machine's rows sensor by sensor, in the order of the historian's key (machine,
   * sensor, time): each index insert then lands beside the previous one, about 1.5x faster than
   * row by row on PostgreSQL 15 here.
   */
  private pushRows(batch: Batch, machineId: string, rows: readonly RawRow[]): number {
    const bySensor = new Map<string, { ts: number[]; v: (number | null)[] }>();
    let n = 0;
    for (const row of rows) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(row.metrics) as Record<string, unknown>;
      } catch {
        continue;
      }
      for (const sensor in parsed) {
        const v = parsed[sensor];
        let col = bySensor.get(sensor);
        if (!col) bySensor.set(sensor, (col = { ts: [], v: [] }));
        col.ts.push(row.ts);
        col.v.push(typeof v === 'number' && Number.isFinite(v) ? v : null);
        n++;
      }
    }
    for (const sensor of [...bySensor.keys()].sort()) {
      const col = bySensor.get(sensor)!;
      for (let i = 0; i < col.ts.length; i++) {
        batch.machines.push(machineId);
        batch.sensors.push(sensor);
        batch.ts.push(col.ts[i]!);
        batch.values.push(col.v[i]!);
      }
    }
    return n;
  }

  private laneOf(machineId: string, lanes: number): number {
    if (lanes === 1) return 0;
    let h = 0;
    for (let i = 0; i < machineId.length; i++) h = (h * 31 + machineId.charCodeAt(i)) | 0;
    return Math.abs(h) % lanes;
  }

  private collectRaw(batches: Batch[]): void {
    const { outbox, config } = this.options;
    const budget = config.batchValues;
    const lanes = batches.length;
    const machines = outbox.machines();
    const settle = this.options.lateSettleMs ?? 5_000;
    const now = this.now();
    for (const [machineId, late] of this.late) {
      if (now - late.notedAt < settle) continue;
      const batch = batches[this.laneOf(machineId, lanes)]!;
      const upTo = this.next('raw', machineId);
      this.pushRows(batch, machineId, outbox.rawBetween(machineId, late.from, upTo, 100_000));
      this.late.delete(machineId);
      // keeps the batch a transaction even when nothing else is new: the re-sent rows need one
      this.advance(batch, 'raw', machineId, upTo);
    }
    if (machines.length === 0) return;
    // round robin, so that a machine with a long backlog does not hold the others back
    const start = this.rr % machines.length;
    for (let i = 0; i < machines.length; i++) {
      const machineId = machines[(start + i) % machines.length]!;
      const batch = batches[this.laneOf(machineId, lanes)]!;
      if (batch.values.length >= budget) {
        batch.full = true;
        if (batches.every((b) => b.values.length >= budget)) break;
        continue;
      }
      const width = this.widths.get(machineId) ?? DEFAULT_WIDTH;
      const limit = Math.max(1, Math.ceil((budget - batch.values.length) / width));
      const rows = outbox.rawAfter(machineId, this.next('raw', machineId), limit);
      if (rows.length === 0) continue;
      const values = this.pushRows(batch, machineId, rows);
      this.widths.set(machineId, Math.max(1, Math.round(values / rows.length)));
      this.advance(batch, 'raw', machineId, rows.at(-1)!.ts);
      if (rows.length === limit) batch.full = true;
      this.rr = (start + i + 1) % machines.length;
    }
  }

  private collectRollups(batch: Batch, table: RollupTable): void {
    const { outbox, config } = this.options;
    const budget = config.batchValues;
    const stream = table;
    for (const machineId of outbox.rollupMachines(table)) {
      for (const sensor of outbox.rollupSensors(table, machineId)) {
        if (batch.rollups.bucket.length >= budget) {
          batch.full = true;
          return;
        }
        const key = JSON.stringify([machineId, sensor]);
        const limit = budget - batch.rollups.bucket.length;
        const rows = outbox.rollupAfter(table, machineId, sensor, this.next(stream, key), limit);
        if (rows.length === 0) continue;
        const r = batch.rollups;
        for (const row of rows) {
          r.machine.push(machineId);
          r.sensor.push(sensor);
          r.bucket.push(row.bucket);
          r.n.push(row.n);
          r.avg.push(row.avg);
          r.min.push(row.min);
          r.max.push(row.max);
        }
        this.advance(batch, stream, key, rows.at(-1)!.bucket);
        if (rows.length === limit) batch.full = true;
      }
    }
  }

  private async send(client: pg.Client, batch: Batch): Promise<void> {
    const { site, console } = this.options;
    const resolution = this.options.config.readings;
    await client.query('BEGIN');
    try {
      let inserted = 0;
      let sent = 0;
      if (batch.ts.length > 0) {
        const res = await client.query(
          `INSERT INTO fb_readings (site, console, machine_id, sensor, ts, value)
           SELECT $1, $2, m, s, to_timestamp(t / 1000.0), v FROM unnest($3::text[], $4::text[], $5::float8[], $6::float8[]) AS u(m, s, t, v)
           ON CONFLICT DO NOTHING`,
          [site, console, batch.machines, batch.sensors, batch.ts, batch.values],
        );
        inserted += res.rowCount ?? 0;
        sent += batch.ts.length;
      }
      const r = batch.rollups;
      if (r.bucket.length > 0) {
        // a late reading rewrites its bucket locally; the newer aggregate wins here too
        const res = await client.query(
          `INSERT INTO fb_rollups (site, console, machine_id, sensor, resolution, bucket, n, avg, min, max)
           SELECT $1, $2, m, s, $3, to_timestamp(b / 1000.0), n, a, lo, hi FROM unnest($4::text[], $5::text[], $6::float8[], $7::int[], $8::float8[], $9::float8[], $10::float8[]) AS u(m, s, b, n, a, lo, hi)
           ON CONFLICT (site, console, machine_id, sensor, resolution, bucket) DO UPDATE SET n = excluded.n, avg = excluded.avg, min = excluded.min, max = excluded.max`,
          [site, console, resolution, r.machine, r.sensor, r.bucket, r.n, r.avg, r.min, r.max],
        );
        inserted += res.rowCount ?? 0;
        sent += r.bucket.length;
      }
      let events = 0;
      if (batch.journal.length > 0) {
        const res = await client.query(
          `INSERT INTO fb_alarm_events (site, console, event_id, seq, alarm_id, machine_id, source, sensor, priority, at, action, from_state, to_state, active, username, origin_console, note, message, value, limit_value)
           SELECT $1, $2, event_id, seq, alarm_id, machine_id, source, sensor, priority, to_timestamp(at / 1000.0), action, from_state, to_state, active, username, console, note, message, value, limit_value
           FROM jsonb_to_recordset($3::jsonb) AS j(event_id text, seq bigint, alarm_id text, machine_id text, source text, sensor text, priority text, at float8, action text, from_state text, to_state text, active boolean, username text, console text, note text, message text, value float8, limit_value float8)
           ON CONFLICT DO NOTHING`,
          [site, console, JSON.stringify(batch.journal)],
        );
        events = res.rowCount ?? 0;
        this.stat.duplicatesSkipped += batch.journal.length - events;
      }
      let models = 0;
      if (batch.models.length > 0) {
        const res = await client.query(
          `INSERT INTO fb_model_outputs (site, console, machine_id, model, ts, state, output)
           SELECT $1, $2, machine_id, model, to_timestamp(ts / 1000.0), state, output FROM jsonb_to_recordset($3::jsonb) AS j(machine_id text, model text, ts float8, state text, output jsonb)
           ON CONFLICT DO NOTHING`,
          [site, console, JSON.stringify(batch.models)],
        );
        models = res.rowCount ?? 0;
      }
      const streams: string[] = [];
      const keys: string[] = [];
      const positions: number[] = [];
      for (const [stream, byKey] of batch.cursors) {
        for (const [key, position] of byKey) {
          if (!Number.isFinite(position)) continue;
          streams.push(stream);
          keys.push(key);
          positions.push(position);
        }
      }
      await client.query(
        `INSERT INTO fb_forward_cursors (site, console, stream, key, position, updated_at)
         SELECT $1, $2, s, k, p, now() FROM unnest($3::text[], $4::text[], $5::int8[]) AS u(s, k, p)
         ON CONFLICT (site, console, stream, key) DO UPDATE SET position = GREATEST(fb_forward_cursors.position, excluded.position), updated_at = now()`,
        [site, console, streams, keys, positions],
      );
      await client.query('COMMIT');
      this.stat.forwardedValues += inserted;
      this.stat.duplicatesSkipped += sent - inserted;
      this.stat.forwardedEvents += events;
      this.stat.forwardedModelOutputs += models;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Counts what waits locally, at most every backlogEveryMs unless forced. */
  private countBacklog(force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastBacklogAt < (this.options.backlogEveryMs ?? 5_000)) return;
    this.lastBacklogAt = now;
    if (!this.cursorsLoaded) return;
    const { outbox, config } = this.options;
    let rows = 0;
    let capped = false;
    let oldest = Infinity;
    if (config.readings === 'raw') {
      for (const machineId of outbox.machines()) {
        const after = this.position('raw', machineId);
        const n = outbox.rawCount(machineId, after, BACKLOG_CAP_PER_KEY);
        if (n === 0) continue;
        if (n >= BACKLOG_CAP_PER_KEY) capped = true;
        rows += n;
        oldest = Math.min(oldest, outbox.rawFirstAfter(machineId, after) ?? Infinity);
      }
    } else if (config.readings !== 'none') {
      const table = config.readings === '1m' ? 'rollup_1m' : 'rollup_1h';
      for (const machineId of outbox.rollupMachines(table)) {
        for (const sensor of outbox.rollupSensors(table, machineId)) {
          const n = outbox.rollupCount(table, machineId, sensor, this.position(table, JSON.stringify([machineId, sensor])), BACKLOG_CAP_PER_KEY);
          rows += n;
          if (n >= BACKLOG_CAP_PER_KEY) capped = true;
        }
      }
    }
    if (config.alarms) rows += outbox.journalCount(Math.max(0, this.position('alarms', '')), BACKLOG_CAP_PER_KEY);
    this.stat.backlogRows = rows;
    this.stat.backlogCapped = capped;
    this.stat.backlogSeconds = oldest === Infinity ? 0 : Math.max(0, Math.round((now - oldest) / 1000));
    this.stat.backlogAt = now;
  }
}

/** Whether the backlog (or a failure that keeps it from draining) is something an operator must know. */
export function historianAlarm(status: HistorianStatus, config: Pick<HistorianConfig, 'backlogAlarmRows' | 'backlogAlarmSeconds'>, now: number): string | null {
  if (status.state === 'schema_mismatch') return `Historian schema differs: ${status.lastError}`;
  if (status.backlogRows !== null && status.backlogRows > config.backlogAlarmRows) return `Historian backlog ${status.backlogRows}${status.backlogCapped ? '+' : ''} rows (limit ${config.backlogAlarmRows})`;
  if (status.backlogSeconds !== null && status.backlogSeconds > config.backlogAlarmSeconds) return `Historian backlog ${status.backlogSeconds} s behind (limit ${config.backlogAlarmSeconds} s)`;
  if (status.failingSince !== null && now - status.failingSince > config.backlogAlarmSeconds * 1000) return `Historian unreachable for ${Math.round((now - status.failingSince) / 1000)} s: ${status.lastError}`;
  return null;
}

function mergeInto(target: Map<string, Map<string, number>>, from: Map<string, Map<string, number>>): void {
  for (const [stream, keys] of from) {
    let cur = target.get(stream);
    if (!cur) target.set(stream, (cur = new Map()));
    for (const [k, v] of keys) if (Number.isFinite(v)) cur.set(k, Math.max(v, cur.get(k) ?? -Infinity));
  }
}
