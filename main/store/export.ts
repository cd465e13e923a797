import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { csvLine } from '../../common/csv';
import type { Db } from './open-database';
import { engRepository, unitsLookup } from './eng-repository';
import { metricNames } from './metric-names';
import { readableMetrics, type NamesLookup, type StoredMetrics } from './metrics-codec';
import type { EventMs } from '../../common/time';

export type ExportKind = 'machines' | 'readings' | 'alarms' | 'alarm-events' | 'tickets' | 'orders';
export type ExportFormat = 'csv' | 'json';

export interface ExportOptions {
  machineId?: string;
  /** Inclusive range: readings by ts, alarms by raised_at, alarm events by their time, tickets and orders by created_at. */
  from?: EventMs;
  to?: EventMs;
  onProgress?: (rows: number) => void;
}

interface Spec {
  table: string;
  columns: readonly string[];
  machineColumn: string;
  timeColumn: string | null;
}

const SPECS: Record<Exclude<ExportKind, 'readings' | 'alarm-events'>, Spec> = {
  machines: { table: 'machines', columns: ['id', 'name', 'site', 'area', 'type', 'protocol', 'first_seen', 'last_seen'], machineColumn: 'id', timeColumn: null },
  alarms: {
    table: 'alarms',
    // mode_reason says what holds a suppressed alarm (or why a person shelved it), suppressed_since since when (event time).
    columns: ['id', 'machine_id', 'source', 'sensor', 'priority', 'state', 'message', 'raised_at', 'cleared_at', 'acked_at', 'acked_by', 'note', 'mode_reason', 'suppressed_since'],
    machineColumn: 'machine_id',
    timeColumn: 'raised_at',
  },
  tickets: {
    table: 'maintenance_tickets',
    columns: ['id', 'machine_id', 'title', 'description', 'status', 'priority', 'assignee', 'reporter', 'failure_type', 'repair_steps', 'cost_estimate', 'actual_cost', 'created_at', 'updated_at', 'closed_at'],
    machineColumn: 'machine_id',
    timeColumn: 'created_at',
  },
  orders: {
    table: 'procurement_orders',
    columns: ['id', 'part', 'supplier', 'quantity', 'unit_price', 'status', 'machine_id', 'created_by', 'approved_by', 'created_at', 'updated_at'],
    machineColumn: 'machine_id',
    timeColumn: 'created_at',
  },
};

/** Rows per page: each page is one short synchronous read, so the connection is free between pages. */
const PAGE = 2000;
const READINGS_CSV_COLUMNS = ['machine_id', 'ts', 'time', 'sensor', 'value', 'unit'] as const;
/**
 * The alarm journal, one row per event (activate, clear, ack, shelve, shelf expiry, out of service...)
 * in the order it was recorded, for alarm-management reviews (EEMUA 191, ISA-18.2). `time` is the
 * event time in ISO-8601 UTC and `at` the same in epoch ms; `from_state` and `to_state` are the ISA-18.2
 * states around the event, `active` whether the process condition was active after it; `note` holds
 * the operator's note or the reason for a shelve or removal from service; `value` and `limit` are the
 * process value and setpoint of an activate or clear, empty for other events and for journal rows
 * written before the store kept them.
 */
export const ALARM_EVENT_COLUMNS = [
  'time',
  'at',
  'alarm_id',
  'machine_id',
  'source',
  'sensor',
  'priority',
  'action',
  'from_state',
  'to_state',
  'active',
  'username',
  'console',
  'value',
  'limit',
  'note',
  'message',
  'event_id',
  'seq',
] as const;

/**
 * Streams a table to `out` as CSV or a JSON array, honouring backpressure. Readings come out in long
 * format in CSV (one line per sensor value) and with their metrics object in JSON. Pages are read
 * by key, never with a statement held open across an await, so the same connection stays usable
 * by the rest of the process while a large export runs. Resolves with the number of rows written
 * (sensor values, for readings as CSV).
 */
export async function exportRows(db: Db, kind: ExportKind, format: ExportFormat, out: Writable, opts: ExportOptions = {}): Promise<number> {
  const write = async (chunk: string) => {
    if (chunk !== '' && !out.write(chunk)) await once(out, 'drain');
  };
  let count = 0;
  let first = true;
  const emit = async (lines: string[]) => {
    if (format === 'json') {
      await write(lines.map((l) => (first ? ((first = false), `\n${l}`) : `,\n${l}`)).join(''));
    } else await write(lines.join(''));
    opts.onProgress?.(count);
  };

  // Units as the machines' sources and engineers set them (eng-repository.ts); empty where none is known.
  const unitOf = kind === 'readings' ? readingUnits(db) : () => undefined;
  const names = metricNames(db);
  const header = kind === 'readings' ? READINGS_CSV_COLUMNS : kind === 'alarm-events' ? ALARM_EVENT_COLUMNS : SPECS[kind].columns;
  await write(format === 'csv' ? csvLine(header) : '[');
  const pages = kind === 'readings' ? readingPages(db, opts) : kind === 'alarm-events' ? alarmEventPages(db, opts) : tablePages(db, SPECS[kind], opts);
  for (const page of pages) {
    const lines: string[] = [];
    for (const row of page) {
      if (format === 'json') {
        lines.push(JSON.stringify(kind === 'readings' ? readingJson(row, unitOf, names) : row));
        count++;
      } else if (kind === 'readings') {
        const time = new Date(row.ts as number).toISOString();
        for (const [sensor, value] of Object.entries(readableMetrics(row.metrics as StoredMetrics, names))) {
          lines.push(csvLine([row.machine_id, row.ts, time, sensor, typeof value === 'number' ? value : null, unitOf(row.machine_id as string, sensor) ?? null]));
          count++;
        }
      } else {
        lines.push(csvLine(header.map((c) => row[c])));
        count++;
      }
    }
    await emit(lines);
  }
  await write(format === 'json' ? (first ? ']\n' : '\n]\n') : '');
  return count;
}

type Row = Record<string, unknown>;

/** A column an older, read-only store does not have yet (alarms.suppressed_since before version 14) comes out empty. */
function* tablePages(db: Db, spec: Spec, opts: ExportOptions): Generator<Row[]> {
  const present = new Set(db.prepare<[string], string>('SELECT name FROM pragma_table_info(?)').pluck().all(spec.table));
  const select = spec.columns.map((c) => (present.has(c) ? c : `NULL AS ${c}`)).join(', ');
  const where = ['rowid > @after'];
  if (opts.machineId !== undefined) where.push(`${spec.machineColumn} = @machineId`);
  if (spec.timeColumn && opts.from !== undefined) where.push(`${spec.timeColumn} >= @from`);
  if (spec.timeColumn && opts.to !== undefined) where.push(`${spec.timeColumn} <= @to`);
  const stmt = db.prepare<[Row], Row>(`SELECT rowid AS _key, ${select} FROM ${spec.table} WHERE ${where.join(' AND ')} ORDER BY rowid LIMIT ${PAGE}`);
  const params: Row = { machineId: opts.machineId, from: opts.from, to: opts.to };
  for (let after = -Infinity; ; ) {
    const rows = [...stmt.iterate({ ...params, after })];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?._key as number;
    for (const r of rows) delete r._key;
    yield rows;
  }
}

/**
 * Journal rows by seq, the order they were committed in. A store not yet migrated to the journal's
 * value columns (a read-only export of an older database) gives them empty.
 */
function* alarmEventPages(db: Db, opts: ExportOptions): Generator<Row[]> {
  const columns = new Set(db.prepare<[], string>("SELECT name FROM pragma_table_info('alarm_journal')").pluck().all());
  if (columns.size === 0) return;
  const valueColumns = columns.has('value') && columns.has('limit_value') ? 'value, limit_value' : 'NULL AS value, NULL AS limit_value';
  const where = ['seq > @after'];
  if (opts.machineId !== undefined) where.push('machine_id = @machineId');
  if (opts.from !== undefined) where.push('at >= @from');
  if (opts.to !== undefined) where.push('at <= @to');
  const stmt = db.prepare<[Row], Row>(
    `SELECT seq, event_id, at, alarm_id, machine_id, source, sensor, priority, action, from_state, to_state, active, username, console, note, message, ${valueColumns}
     FROM alarm_journal WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${PAGE}`,
  );
  const params: Row = { machineId: opts.machineId, from: opts.from, to: opts.to };
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = [...stmt.iterate({ ...params, after })];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?.seq as number;
    yield rows.map((r) => ({
      time: isoTime(r.at),
      at: r.at,
      alarm_id: r.alarm_id,
      machine_id: r.machine_id,
      source: r.source,
      sensor: r.sensor,
      priority: r.priority,
      action: r.action,
      from_state: r.from_state,
      to_state: r.to_state,
      active: r.active === 1,
      username: r.username,
      console: r.console,
      value: r.value,
      limit: r.limit_value,
      note: r.note,
      message: r.message,
      event_id: r.event_id,
      seq: r.seq,
    }));
  }
}

function* readingPages(db: Db, opts: ExportOptions): Generator<Row[]> {
  const range = 'ts >= @from AND ts <= @to';
  const stmt =
    opts.machineId !== undefined
      ? db.prepare<[Row], Row>(`SELECT machine_id, ts, metrics FROM readings WHERE machine_id = @machineId AND ts > @afterTs AND ${range} ORDER BY ts LIMIT ${PAGE}`)
      : db.prepare<[Row], Row>(`SELECT machine_id, ts, metrics FROM readings WHERE (machine_id, ts) > (@afterId, @afterTs) AND ${range} ORDER BY machine_id, ts LIMIT ${PAGE}`);
  const params = { machineId: opts.machineId, from: opts.from ?? Number.MIN_SAFE_INTEGER, to: opts.to ?? Number.MAX_SAFE_INTEGER };
  for (let afterId = '', afterTs = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = [...stmt.iterate({ ...params, afterId, afterTs })];
    if (rows.length === 0) return;
    const last = rows[rows.length - 1] as Row;
    afterId = last.machine_id as string;
    afterTs = last.ts as number;
    yield rows;
  }
}

function isoTime(ms: unknown): string | null {
  const d = new Date(typeof ms === 'number' ? ms : Number.NaN);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}


type UnitOf = (machineId: string, sensor: string) => string | undefined;

/** A machine's type from the machines table (for the type's unit edits); an older database without it gives none. */
function readingUnits(db: Db): UnitOf {
  try {
    const types = new Map(db.prepare<[], { id: string; type: string }>('SELECT id, type FROM machines').all().map((r) => [r.id, r.type]));
    return unitsLookup(engRepository(db), (id) => types.get(id));
  } catch {
    return () => undefined;
  }
}

/** A reading in JSON, with `units` for the metrics whose unit is known. */
function readingJson(row: Row, unitOf: UnitOf, names: NamesLookup) {
  const metrics = readableMetrics(row.metrics as StoredMetrics, names);
  const units: Record<string, string> = {};
  for (const sensor of Object.keys(metrics)) {
    const unit = unitOf(row.machine_id as string, sensor);
    if (unit !== undefined) units[sensor] = unit;
  }
  return { machine_id: row.machine_id, ts: row.ts, metrics, ...(Object.keys(units).length > 0 ? { units } : {}) };
}
