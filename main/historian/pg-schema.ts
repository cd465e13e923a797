/**
 * Our tables in the historian database, and the check that an existing database has them as we
 * expect. Every key starts with site and console, so the consoles of many plants forward into one
 * database without colliding, and re-sending a row changes nothing (ON CONFLICT DO NOTHING).
 */
import type pg from 'pg';

interface Column {
  name: string;
  type: string;
}
interface Table {
  name: string;
  columns: Column[];
  key: string[];
  /** The time column TimescaleDB partitions by, where the table is a hypertable. */
  time?: string;
}

const c = (name: string, type: string): Column => ({ name, type });
const SITE = [c('site', 'text'), c('console', 'text')];

export const TABLES: readonly Table[] = [
  {
    name: 'fb_readings',
    columns: [...SITE, c('machine_id', 'text'), c('sensor', 'text'), c('ts', 'timestamp with time zone'), c('value', 'double precision')],
    key: ['site', 'console', 'machine_id', 'sensor', 'ts'],
    time: 'ts',
  },
  {
    // Values their source marked Bad or Uncertain (OPC UA status codes): apart from fb_readings, as in the local store
    name: 'fb_reading_marks',
    columns: [...SITE, c('machine_id', 'text'), c('sensor', 'text'), c('ts', 'timestamp with time zone'), c('quality', 'text'), c('status', 'text'), c('value', 'double precision')],
    key: ['site', 'console', 'machine_id', 'sensor', 'ts'],
    time: 'ts',
  },
  {
    name: 'fb_rollups',
    columns: [...SITE, c('machine_id', 'text'), c('sensor', 'text'), c('resolution', 'text'), c('bucket', 'timestamp with time zone'), c('n', 'integer'), c('avg', 'double precision'), c('min', 'double precision'), c('max', 'double precision')],
    key: ['site', 'console', 'machine_id', 'sensor', 'resolution', 'bucket'],
    time: 'bucket',
  },
  {
    name: 'fb_alarm_events',
    columns: [
      ...SITE,
      c('event_id', 'text'),
      c('seq', 'bigint'),
      c('alarm_id', 'text'),
      c('machine_id', 'text'),
      c('source', 'text'),
      c('sensor', 'text'),
      c('priority', 'text'),
      c('at', 'timestamp with time zone'),
      c('action', 'text'),
      c('from_state', 'text'),
      c('to_state', 'text'),
      c('active', 'boolean'),
      c('username', 'text'),
      c('origin_console', 'text'),
      c('note', 'text'),
      c('message', 'text'),
      c('value', 'double precision'),
      c('limit_value', 'double precision'),
    ],
    key: ['site', 'console', 'event_id'],
  },
  {
    name: 'fb_model_outputs',
    columns: [...SITE, c('machine_id', 'text'), c('model', 'text'), c('ts', 'timestamp with time zone'), c('state', 'text'), c('output', 'jsonb')],
    key: ['site', 'console', 'machine_id', 'model', 'ts'],
  },
  {
    // Where each stream has got to, committed in the same transaction as its rows: resume is exact.
    name: 'fb_forward_cursors',
    columns: [...SITE, c('stream', 'text'), c('key', 'text'), c('position', 'bigint'), c('updated_at', 'timestamp with time zone')],
    key: ['site', 'console', 'stream', 'key'],
  },
];

const NOT_NULL = new Set(['site', 'console', 'machine_id', 'sensor', 'ts', 'resolution', 'bucket', 'event_id', 'seq', 'model', 'stream', 'key', 'position', 'at', 'quality', 'status']);

function createSql(t: Table): string {
  const cols = t.columns.map((col) => `${col.name} ${col.type}${NOT_NULL.has(col.name) || t.key.includes(col.name) ? ' NOT NULL' : ''}${col.name === 'updated_at' ? ' DEFAULT now()' : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${t.name} (${cols.join(', ')}, PRIMARY KEY (${t.key.join(', ')}))`;
}

export class SchemaMismatchError extends Error {}

/** Creates what is missing, then checks what exists; returns whether TimescaleDB hypertables are in use. */
export async function ensureSchema(client: pg.ClientBase): Promise<{ timescale: boolean }> {
  const available = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
  let timescale = false;
  if (available.rowCount) {
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
      timescale = true;
    } catch {
      // present but not preloaded (shared_preload_libraries) or not permitted: plain tables serve
    }
  }
  for (const t of TABLES) {
    await client.query(createSql(t));
    if (timescale && t.time) await client.query(`SELECT create_hypertable('${t.name}', '${t.time}', if_not_exists => TRUE, migrate_data => TRUE)`);
  }
  await verifySchema(client);
  return { timescale };
}

/** Throws SchemaMismatchError naming the first table or column that differs from ours. */
export async function verifySchema(client: pg.ClientBase): Promise<void> {
  const names = TABLES.map((t) => t.name);
  const cols = await client.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1)`,
    [names],
  );
  const keys = await client.query<{ table_name: string; column_name: string }>(
    `SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
     WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() AND tc.table_name = ANY($1) ORDER BY kcu.ordinal_position`,
    [names],
  );
  for (const t of TABLES) {
    const have = new Map(cols.rows.filter((r) => r.table_name === t.name).map((r) => [r.column_name, r.data_type]));
    for (const col of t.columns) {
      const type = have.get(col.name);
      if (type === undefined) throw new SchemaMismatchError(`historian table ${t.name} has no column ${col.name} (${col.type}); the database was made by something else or an older version`);
      if (type !== col.type) throw new SchemaMismatchError(`historian column ${t.name}.${col.name} is ${type}, expected ${col.type}`);
    }
    const key = keys.rows.filter((r) => r.table_name === t.name).map((r) => r.column_name);
    if (key.join(',') !== t.key.join(',')) throw new SchemaMismatchError(`historian table ${t.name} has primary key (${key.join(', ') || 'none'}), expected (${t.key.join(', ')}): re-sent rows would not be recognised`);
  }
}
