import type { Db } from './open-database';
import { prepared } from './prepared';

export interface MachineRecord {
  id: string;
  name: string;
  site: string;
  area: string;
  type: string;
  protocol: 'json' | 'sparkplug' | 'modbus' | 'opcua';
  firstSeen: number;
  lastSeen: number;
}

/** The table's row: the record with its two times in snake case. */
type Row = Omit<MachineRecord, 'firstSeen' | 'lastSeen'> & { first_seen: number; last_seen: number };

const toRecord = (r: Row): MachineRecord => ({
  id: r.id,
  name: r.name,
  site: r.site,
  area: r.area,
  type: r.type,
  protocol: r.protocol,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

/** first_seen only moves back and last_seen only forward, so a replay of old data cannot rewind them. */
const UPSERT = `
  INSERT INTO machines (id, name, site, area, type, protocol, first_seen, last_seen)
  VALUES (@id, @name, @site, @area, @type, @protocol, @firstSeen, @lastSeen)
  ON CONFLICT (id) DO UPDATE SET
    name = excluded.name, site = excluded.site, area = excluded.area, type = excluded.type, protocol = excluded.protocol,
    first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`;

/** Machines discovered by ingest, kept so names and first/last seen survive a restart. */
export function machineRepository(db: Db) {
  return {
    /** Extra fields (live state, sensors) are ignored: only the identity and first/last seen are stored. */
    upsert(machines: readonly MachineRecord[]): void {
      const stmt = prepared<[Record<string, unknown>]>(db, UPSERT);
      db.transaction(() => {
        for (const m of machines) {
          const { id, name, site, area, type, protocol, firstSeen, lastSeen } = m;
          stmt.run({ id, name, site, area, type, protocol, firstSeen, lastSeen });
        }
      })();
    },
    list(): MachineRecord[] {
      return prepared<[], Row>(db, 'SELECT * FROM machines ORDER BY id').all().map(toRecord);
    },
    /** Forgets retired machines, so a restart does not load them again; their telemetry stays until retention. */
    remove(ids: readonly string[]): void {
      const stmt = prepared<[string]>(db, 'DELETE FROM machines WHERE id = ?');
      db.transaction(() => {
        for (const id of ids) stmt.run(id);
      })();
    },
  };
}
export type MachineRepository = ReturnType<typeof machineRepository>;
