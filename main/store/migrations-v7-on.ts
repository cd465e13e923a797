import type { Migration } from './migrations';
import { moveReadingsToRowidTable } from './readings-layout';

/** Schema versions 7 on; a new migration goes at the end of this list. Append only: see MIGRATIONS. */
export const MIGRATIONS_V7_ON: readonly Migration[] = [
  {
    // The alarm journal keeps the process value and limit of each activate and clear, for the
    // alarm-management export (`factorybrain export alarm-events`); older rows stay NULL.
    version: 7,
    sql: `
      ALTER TABLE alarm_journal ADD COLUMN value REAL;
      ALTER TABLE alarm_journal ADD COLUMN limit_value REAL;
    `,
  },
  {
    // Condition monitoring: each machine's fitted normal models (versioned), its operating-state
    // changes and health points in event time, and the labels people give its episodes.
    version: 8,
    sql: `
      CREATE TABLE condition_models (
        machine_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        fitted_at INTEGER NOT NULL,
        model TEXT NOT NULL,
        saved_at INTEGER NOT NULL,
        PRIMARY KEY (machine_id, version)
      ) WITHOUT ROWID;
      CREATE TABLE machine_states (
        machine_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('off', 'idle', 'running', 'unknown')),
        PRIMARY KEY (machine_id, ts)
      ) WITHOUT ROWID;
      CREATE TABLE machine_health (
        machine_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        health REAL NOT NULL,
        rul_hours REAL,
        PRIMARY KEY (machine_id, ts)
      ) WITHOUT ROWID;
      CREATE TABLE condition_labels (
        id INTEGER PRIMARY KEY,
        machine_id TEXT NOT NULL,
        from_ts INTEGER NOT NULL,
        to_ts INTEGER NOT NULL,
        label TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('operator', 'ticket')),
        username TEXT,
        note TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX condition_labels_machine ON condition_labels (machine_id, to_ts);
    `,
  },
  {
    // Machines also come from Modbus TCP and OPC UA; SQLite cannot alter a CHECK, so the table is rebuilt.
    version: 9,
    sql: `
      CREATE TABLE machines_new (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        site TEXT NOT NULL DEFAULT '',
        area TEXT NOT NULL DEFAULT '',
        type TEXT NOT NULL DEFAULT '',
        protocol TEXT NOT NULL CHECK (protocol IN ('json', 'sparkplug', 'modbus', 'opcua')),
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      );
      INSERT INTO machines_new (id, name, site, area, type, protocol, first_seen, last_seen)
        SELECT id, name, site, area, type, protocol, first_seen, last_seen FROM machines;
      DROP TABLE machines;
      ALTER TABLE machines_new RENAME TO machines;
    `,
  },
  {
    // The shift log: handover entries for the next shift, kept with the shift they were written in
    // (plant time) and their acknowledgement.
    version: 10,
    sql: `
      CREATE TABLE shift_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        machine_id TEXT,
        alarm_id TEXT,
        shift_start INTEGER NOT NULL,
        shift_end INTEGER NOT NULL,
        shift_date TEXT NOT NULL,
        shift_index INTEGER NOT NULL,
        shift_start_hour INTEGER NOT NULL,
        acked_by TEXT,
        acked_at INTEGER,
        ack_note TEXT
      );
      CREATE INDEX shift_log_at ON shift_log (at);
      CREATE INDEX shift_log_shift ON shift_log (shift_start);
    `,
  },
  {
    // Orders keep the agreed price, what it saved and when delivery was expected and came (supplier
    // delivery performance); a closed ticket records the parts it used, which left stock.
    version: 11,
    sql: `
      ALTER TABLE procurement_orders ADD COLUMN negotiated_price REAL;
      ALTER TABLE procurement_orders ADD COLUMN savings REAL;
      ALTER TABLE procurement_orders ADD COLUMN estimated_delivery INTEGER;
      ALTER TABLE procurement_orders ADD COLUMN actual_delivery INTEGER;
      CREATE TABLE ticket_parts (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL,
        part_id TEXT NOT NULL,
        quantity REAL NOT NULL,
        used_by TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX ticket_parts_ticket ON ticket_parts (ticket_id);
    `,
  },
  {
    // Values their source marked Bad or Uncertain (OPC UA status codes): kept beside the readings,
    // never in them, so that rollups, features and models only ever see good values.
    version: 12,
    sql: `
      CREATE TABLE reading_marks (
        machine_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        sensor TEXT NOT NULL,
        quality TEXT NOT NULL CHECK (quality IN ('bad', 'uncertain')),
        status TEXT NOT NULL,
        value REAL,
        PRIMARY KEY (machine_id, ts, sensor)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Marks get an insertion order (seq) that the historian forwards by: a mark stored after its
    // machine's later readings were forwarded is still sent. AUTOINCREMENT keeps seq from being
    // reused after retention has emptied the table, and a replaced mark gets a new seq.
    version: 13,
    sql: `
      CREATE TABLE reading_marks_v13 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        machine_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        sensor TEXT NOT NULL,
        quality TEXT NOT NULL CHECK (quality IN ('bad', 'uncertain')),
        status TEXT NOT NULL,
        value REAL,
        UNIQUE (machine_id, ts, sensor)
      );
      INSERT INTO reading_marks_v13 (machine_id, ts, sensor, quality, status, value)
        SELECT machine_id, ts, sensor, quality, status, value FROM reading_marks ORDER BY machine_id, ts, sensor;
      DROP TABLE reading_marks;
      ALTER TABLE reading_marks_v13 RENAME TO reading_marks;
    `,
  },
  {
    // When an alarm's suppression by design began (event time), so the screens can say since when.
    // An alarm suppressed before this version takes the time of its latest suppress in the journal;
    // one suppressed with no journal entry (it was out of service then) stays unknown (NULL).
    version: 14,
    sql: `
      ALTER TABLE alarms ADD COLUMN suppressed_since INTEGER;
      UPDATE alarms SET suppressed_since = (
        SELECT j.at FROM alarm_journal j WHERE j.alarm_id = alarms.id AND j.action = 'suppress' ORDER BY j.seq DESC LIMIT 1
      ) WHERE suppressed_by_design = 1;
    `,
  },
  {
    // Packed readings (metrics-codec.ts) name their metrics by an id into this table, so that a row of
    // many doubles fits its page. Rows stored as JSON text stay as they are; a build older than this
    // version, which reads only JSON text, refuses the store instead of misreading packed rows.
    version: 15,
    sql: `
      CREATE TABLE metric_names (
        id INTEGER PRIMARY KEY,
        names TEXT NOT NULL UNIQUE
      );
    `,
  },
  {
    // readings becomes a rowid table with a unique (machine_id, ts) index, unless the store is too
    // large to rewrite at start (main/store/readings-layout.ts).
    version: 16,
    sql: '',
    applied: (db) => moveReadingsToRowidTable(db),
  },
  {
    // New readings land in a small table that the writer moves into the large indexed one, in machine
    // order, every 10,000 rows or minute (recent-readings.ts): each machine's index leaf is then
    // rewritten once per move instead of once per commit. `readings` becomes the view every reader
    // already uses.
    version: 17,
    sql: `
      ALTER TABLE readings RENAME TO readings_stored;
      CREATE TABLE readings_recent (
        machine_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        metrics TEXT NOT NULL
      );
      CREATE INDEX readings_recent_machine_ts ON readings_recent (machine_id, ts);
      CREATE VIEW readings AS
        SELECT machine_id, ts, metrics FROM readings_stored
        UNION ALL
        SELECT machine_id, ts, metrics FROM readings_recent;
    `,
  },
];
