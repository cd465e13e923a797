import type { Migration } from './migrations';

/** Schema versions 1 to 6. Append only: see MIGRATIONS. */
export const MIGRATIONS_V1_V6: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE machines (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        site TEXT NOT NULL DEFAULT '',
        area TEXT NOT NULL DEFAULT '',
        type TEXT NOT NULL DEFAULT '',
        protocol TEXT NOT NULL CHECK (protocol IN ('json', 'sparkplug')),
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      );

      CREATE TABLE readings (
        machine_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        metrics TEXT NOT NULL,
        PRIMARY KEY (machine_id, ts)
      ) WITHOUT ROWID;

      CREATE TABLE rollup_1m (
        machine_id TEXT NOT NULL,
        sensor TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        n INTEGER NOT NULL,
        avg REAL,
        min REAL,
        max REAL,
        PRIMARY KEY (machine_id, sensor, bucket)
      ) WITHOUT ROWID;

      CREATE TABLE rollup_1h (
        machine_id TEXT NOT NULL,
        sensor TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        n INTEGER NOT NULL,
        avg REAL,
        min REAL,
        max REAL,
        PRIMARY KEY (machine_id, sensor, bucket)
      ) WITHOUT ROWID;

      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator', 'viewer')),
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER
      );

      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        user_id INTEGER,
        username TEXT,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX audit_at ON audit (at);

      CREATE TABLE alarms (
        id TEXT PRIMARY KEY,
        machine_id TEXT NOT NULL,
        source TEXT NOT NULL,
        sensor TEXT,
        priority TEXT NOT NULL,
        state TEXT NOT NULL,
        message TEXT NOT NULL,
        raised_at INTEGER NOT NULL,
        cleared_at INTEGER,
        acked_at INTEGER,
        acked_by TEXT,
        note TEXT
      );
      CREATE INDEX alarms_raised_at ON alarms (raised_at);

      CREATE TABLE maintenance_tickets (
        id INTEGER PRIMARY KEY,
        machine_id TEXT,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        priority TEXT NOT NULL,
        assignee TEXT,
        reporter TEXT,
        failure_type TEXT,
        repair_steps TEXT,
        cost_estimate REAL,
        actual_cost REAL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        closed_at INTEGER
      );

      CREATE TABLE procurement_orders (
        id INTEGER PRIMARY KEY,
        part TEXT NOT NULL,
        supplier TEXT,
        quantity REAL NOT NULL,
        unit_price REAL,
        status TEXT NOT NULL,
        machine_id TEXT,
        created_by TEXT,
        approved_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    // Alarm points keep their full ISA-18.2 status; the journal keeps every transition, and its
    // event_id makes an action that arrives twice (own echo, broker redelivery) land once.
    version: 2,
    sql: `
      ALTER TABLE alarms ADD COLUMN level TEXT;
      ALTER TABLE alarms ADD COLUMN active INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alarms ADD COLUMN latching INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alarms ADD COLUMN suppressed_by_design INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alarms ADD COLUMN shelved_until INTEGER;
      ALTER TABLE alarms ADD COLUMN mode_by TEXT;
      ALTER TABLE alarms ADD COLUMN mode_reason TEXT;
      ALTER TABLE alarms ADD COLUMN value REAL;
      ALTER TABLE alarms ADD COLUMN limit_value REAL;
      ALTER TABLE alarms ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alarms ADD COLUMN op_at INTEGER;
      ALTER TABLE alarms ADD COLUMN op_event_id TEXT;

      CREATE TABLE alarm_journal (
        seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        alarm_id TEXT NOT NULL,
        machine_id TEXT NOT NULL,
        source TEXT NOT NULL,
        sensor TEXT,
        priority TEXT NOT NULL,
        at INTEGER NOT NULL,
        action TEXT NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        active INTEGER NOT NULL,
        username TEXT,
        console TEXT NOT NULL,
        note TEXT,
        message TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX alarm_journal_at ON alarm_journal (at);
      CREATE INDEX alarm_journal_alarm ON alarm_journal (alarm_id, seq);

      CREATE TABLE alarm_limits (
        machine_id TEXT NOT NULL,
        sensor TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('HH', 'H', 'L', 'LL')),
        setpoint REAL NOT NULL,
        deadband REAL NOT NULL,
        on_delay_ms INTEGER NOT NULL,
        off_delay_ms INTEGER NOT NULL,
        re_alarm_ms INTEGER NOT NULL,
        priority TEXT NOT NULL,
        latching INTEGER NOT NULL,
        enabled INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (machine_id, sensor, level)
      ) WITHOUT ROWID;
    `,
  },
  {
    // What the room was told, by which engine and how late: the record after an incident.
    version: 3,
    sql: `
      CREATE TABLE voice_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        text TEXT NOT NULL,
        priority TEXT NOT NULL,
        alarm_ids TEXT NOT NULL,
        engine TEXT,
        cached INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        duration_ms REAL,
        error TEXT
      );
      CREATE INDEX voice_log_at ON voice_log (at);
    `,
  },
  {
    // Model outputs: per-machine anomaly calibrations, the latest output of each model per machine,
    // and anomaly episodes (start, end, peak) for the machine screen's history.
    version: 4,
    sql: `
      CREATE TABLE model_calibrations (
        machine_id TEXT NOT NULL,
        model TEXT NOT NULL,
        calibration TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (machine_id, model)
      ) WITHOUT ROWID;

      CREATE TABLE model_outputs (
        machine_id TEXT NOT NULL,
        model TEXT NOT NULL,
        ts INTEGER NOT NULL,
        state TEXT NOT NULL,
        output TEXT NOT NULL,
        PRIMARY KEY (machine_id, model)
      ) WITHOUT ROWID;

      CREATE TABLE anomaly_events (
        id INTEGER PRIMARY KEY,
        machine_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        peak_score REAL NOT NULL,
        threshold REAL NOT NULL,
        type TEXT,
        contributors TEXT NOT NULL
      );
      CREATE INDEX anomaly_events_machine ON anomaly_events (machine_id, started_at);
    `,
  },
  {
    // The audit log becomes a hash chain (hash = sha256(previous hash + canonical row), computed by
    // main/store/audit-log.ts) and append-only: rows written before this version stay unhashed.
    version: 5,
    sql: `
      ALTER TABLE audit ADD COLUMN hash TEXT;
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    // Agents (issue 6): every decision with its inputs and explanation, the messages between agents,
    // hourly machine KPIs (energy, production, run time) for baselines and reports, and the parts,
    // suppliers and quotes behind procurement. Orders and tickets keep the decision that made them.
    version: 6,
    sql: `
      CREATE TABLE agent_decisions (
        id TEXT PRIMARY KEY,
        agent TEXT NOT NULL,
        ts INTEGER NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        explanation TEXT NOT NULL,
        inputs TEXT NOT NULL,
        params TEXT NOT NULL,
        confidence REAL,
        status TEXT NOT NULL,
        decided_by TEXT,
        decided_at INTEGER,
        outcome TEXT,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX agent_decisions_ts ON agent_decisions (ts);

      CREATE TABLE agent_messages (
        seq INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        from_agent TEXT NOT NULL,
        to_agent TEXT NOT NULL,
        topic TEXT NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (ts, from_agent, to_agent, topic, payload)
      );

      CREATE TABLE kpi_hourly (
        machine_id TEXT NOT NULL,
        hour INTEGER NOT NULL,
        observed_ms INTEGER NOT NULL,
        run_ms INTEGER NOT NULL,
        kwh REAL NOT NULL,
        production REAL NOT NULL,
        parts REAL,
        rejected REAL,
        avg_kw REAL,
        vibration REAL,
        temperature REAL,
        PRIMARY KEY (machine_id, hour)
      ) WITHOUT ROWID;
      CREATE INDEX kpi_hourly_hour ON kpi_hourly (hour);

      CREATE TABLE parts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        machine_types TEXT NOT NULL,
        failure_types TEXT NOT NULL,
        unit TEXT NOT NULL,
        on_hand REAL NOT NULL,
        reserved REAL NOT NULL DEFAULT 0,
        reorder_point REAL NOT NULL,
        reorder_quantity REAL NOT NULL,
        lead_time_days REAL NOT NULL,
        unit_price REAL NOT NULL,
        example_price INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE suppliers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        reliability REAL NOT NULL,
        delivery_days REAL NOT NULL,
        example INTEGER NOT NULL
      );

      CREATE TABLE supplier_prices (
        supplier_id TEXT NOT NULL REFERENCES suppliers (id),
        part_id TEXT NOT NULL REFERENCES parts (id),
        unit_price REAL NOT NULL,
        PRIMARY KEY (supplier_id, part_id)
      ) WITHOUT ROWID;

      CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        supplier_id TEXT NOT NULL REFERENCES suppliers (id),
        part_id TEXT NOT NULL REFERENCES parts (id),
        quantity REAL NOT NULL,
        quoted_price REAL NOT NULL,
        negotiated_price REAL,
        valid_until INTEGER,
        source TEXT NOT NULL CHECK (source IN ('entered', 'csv')),
        created_by TEXT,
        created_at INTEGER NOT NULL
      );

      ALTER TABLE procurement_orders ADD COLUMN quote_id INTEGER;
      ALTER TABLE procurement_orders ADD COLUMN order_by INTEGER;
      ALTER TABLE procurement_orders ADD COLUMN urgency TEXT;
      ALTER TABLE procurement_orders ADD COLUMN negotiation_target REAL;
      ALTER TABLE procurement_orders ADD COLUMN decision_id TEXT;
      ALTER TABLE procurement_orders ADD COLUMN note TEXT;
      ALTER TABLE maintenance_tickets ADD COLUMN decision_id TEXT;
      CREATE INDEX maintenance_tickets_machine ON maintenance_tickets (machine_id, failure_type);
    `,
  },
];
