/**
 * The `metric_names` table behind packed readings (metrics-codec.ts, version 2): each distinct list
 * of metric names once, by id. Rows are only ever added, so a reader caches what it has read for
 * the life of its connection.
 */
import type { Statement } from 'better-sqlite3';
import type { NamesLookup } from './metrics-codec';
import type { Db } from './open-database';

const lookups = new WeakMap<Db, NamesLookup>();
/** Distinct name lists kept; a plant's machines send a few each, so this is room for thousands of machines. */
const DEFAULT_MAX_LISTS = 10_000;

/** Forgets what was read on this connection: after a rollback that may have taken back new ids. */
export function forgetMetricNames(db: Db): void {
  lookups.delete(db);
}

/** The names of an id, read once per connection. Throws on an id the store does not have. */
export function metricNames(db: Db): NamesLookup {
  let lookup = lookups.get(db);
  if (lookup) return lookup;
  const cache = new Map<number, readonly string[]>();
  let select: Statement<[number], string | undefined> | null = null;
  lookup = (id) => {
    let names = cache.get(id);
    if (names) return names;
    select ??= db.prepare<[number], string | undefined>('SELECT names FROM metric_names WHERE id = ?').pluck();
    const text = select.get(id);
    if (text === undefined) throw new Error(`packed metrics name list ${id} is not in the store`);
    names = text.split('\0');
    cache.set(id, names);
    return names;
  };
  lookups.set(db, lookup);
  return lookup;
}

/**
 * The writer's side: the id of a names text, added inside the caller's transaction when it is new.
 * Ids added in a transaction that rolls back are forgotten with it (`rollback`); `commit` keeps them.
 */
export class MetricNamesWriter {
  private readonly ids = new Map<string, number>();
  private readonly added: string[] = [];
  private readonly insert: Statement<[string], number>;

  /**
   * `maxLists` bounds the table: a source that reports by exception (Sparkplug, OPC UA with
   * deadbands) names a different subset of its metrics in many rows, and each new subset would
   * otherwise add a row here and an entry in memory for good.
   */
  constructor(
    db: Db,
    private readonly maxLists = DEFAULT_MAX_LISTS,
  ) {
    for (const row of db.prepare<[], { id: number; names: string }>('SELECT id, names FROM metric_names').all()) this.ids.set(row.names, row.id);
    this.insert = db.prepare<[string], number>('INSERT INTO metric_names (names) VALUES (?) RETURNING id').pluck();
  }

  /** The id of a names text; null when it is new and the table already holds `maxLists` lists (the row is then stored as JSON). */
  idOf(names: string): number | null {
    let id = this.ids.get(names);
    if (id === undefined) {
      if (this.ids.size >= this.maxLists) return null;
      id = this.insert.get(names)!;
      this.ids.set(names, id);
      this.added.push(names);
    }
    return id;
  }

  commit(): void {
    this.added.length = 0;
  }

  rollback(): void {
    for (const names of this.added) this.ids.delete(names);
    this.added.length = 0;
  }
}
