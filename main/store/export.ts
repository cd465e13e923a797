import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Db } from './open-database';

export type ExportKind = 'machines' | 'readings' | 'alarms' | 'tickets' | 'orders';
export type ExportFormat = 'csv' | 'json';

export interface ExportOptions {
  machineId?: string;
  /** Inclusive event-time range: readings by ts, alarms by raised_at, tickets and orders by created_at. */
  from?: number;
  to?: number;
  onProgress?: (rows: number) => void;
}

interface Spec {
  table: string;
  columns: readonly string[];
  machineColumn: string;
  timeColumn: string | null;
}

const SPECS: Record<Exclude<ExportKind, 'readings'>, Spec> = {
  machines: { table: 'machines', columns: ['id', 'name', 'site', 'area', 'type', 'protocol', 'first_seen', 'last_seen'], machineColumn: 'id', timeColumn: null },
  alarms: {
    table: 'alarms',
    columns: ['id', 'machine_id', 'source', 'sensor', 'priority', 'state', 'message', 'raised_at', 'cleared_at', 'acked_at', 'acked_by', 'note'],
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
const READINGS_CSV_COLUMNS = ['machine_id', 'ts', 'time', 'sensor', 'value'] as const;

/**
 * One CSV field. Quotes when needed (RFC 4180), and defuses text a spreadsheet would run as a
 * formula: an exported ticket titled "=HYPERLINK(...)" must not execute on the engineer's PC.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (values: readonly unknown[]) => `${values.map(csvField).join(',')}\r\n`;

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

  const header = kind === 'readings' ? READINGS_CSV_COLUMNS : SPECS[kind].columns;
  await write(format === 'csv' ? csvLine(header) : '[');
  for (const page of kind === 'readings' ? readingPages(db, opts) : tablePages(db, SPECS[kind], opts)) {
    const lines: string[] = [];
    for (const row of page) {
      if (format === 'json') {
        lines.push(JSON.stringify(kind === 'readings' ? { machine_id: row.machine_id, ts: row.ts, metrics: parseObject(row.metrics as string) } : row));
        count++;
      } else if (kind === 'readings') {
        const time = new Date(row.ts as number).toISOString();
        for (const [sensor, value] of Object.entries(parseObject(row.metrics as string))) {
          lines.push(csvLine([row.machine_id, row.ts, time, sensor, typeof value === 'number' ? value : null]));
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

function* tablePages(db: Db, spec: Spec, opts: ExportOptions): Generator<Row[]> {
  const where = ['rowid > @after'];
  if (opts.machineId !== undefined) where.push(`${spec.machineColumn} = @machineId`);
  if (spec.timeColumn && opts.from !== undefined) where.push(`${spec.timeColumn} >= @from`);
  if (spec.timeColumn && opts.to !== undefined) where.push(`${spec.timeColumn} <= @to`);
  const stmt = db.prepare<[Row], Row>(`SELECT rowid AS _key, ${spec.columns.join(', ')} FROM ${spec.table} WHERE ${where.join(' AND ')} ORDER BY rowid LIMIT ${PAGE}`);
  const params: Row = { machineId: opts.machineId, from: opts.from, to: opts.to };
  for (let after = -Infinity; ; ) {
    const rows = [...stmt.iterate({ ...params, after })];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?._key as number;
    for (const r of rows) delete r._key;
    yield rows;
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

function parseObject(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
