import { createHash, createHmac } from 'node:crypto';
import type { AuditEntry } from '../audit/audit-port';
import type { Db } from './open-database';
import { prepared } from './prepared';
import type { WallMs } from '../../common/time';

export interface StoredAuditEntry extends AuditEntry {
  id: number;
  /** null for rows written before the log was chained (schema version 5). */
  hash: string | null;
}

export interface AuditQuery {
  limit: number;
  /** Pages backwards: entries older than this id. */
  beforeId?: number;
  action?: string;
  userId?: number;
}

export interface AuditExportQuery {
  /** Pages forwards: entries newer than this id. */
  afterId?: number;
  from?: WallMs;
  to?: WallMs;
  limit: number;
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** Rows from before the chain existed; they can be read but not verified. */
  unchained: number;
  /** The first row whose link does not hold: everything from it on is suspect. */
  firstBroken: { id: number; reason: string } | null;
}

interface Row {
  id: number;
  at: WallMs;
  user_id: number | null;
  username: string | null;
  action: string;
  target: string | null;
  outcome: string;
  detail: string | null;
  hash: string | null;
}

/** The text the hash covers: every column but the hash, in a fixed order, as JSON. */
const canonical = (r: Omit<Row, 'hash'>) => JSON.stringify([r.id, r.at, r.user_id, r.username, r.action, r.target, r.outcome, r.detail]);
/** The unkeyed link of rows written before the chain was keyed: anyone can recompute it. */
export const chainHash = (previous: string, row: Omit<Row, 'hash'>) => createHash('sha256').update(previous).update(canonical(row)).digest('hex');
/**
 * A keyed link (HMAC-SHA256 with the audit key): without the key nobody can rehash a changed row.
 * The prefix tells keyed rows from the older unkeyed ones; the first keyed row covers the last
 * unkeyed hash, so the older rows are anchored too.
 */
export const KEYED_PREFIX = 'k1:';
export const keyedHash = (key: Buffer, previous: string, row: Omit<Row, 'hash'>) => KEYED_PREFIX + createHmac('sha256', key).update(previous).update(canonical(row)).digest('hex');

/** The newest row's id and hash: exported beside each backup, so dropping the newest rows shows. */
export interface AuditHead {
  id: number;
  hash: string | null;
}
export const auditHead = (db: Db): AuditHead | null => prepared<[], AuditHead>(db, 'SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').get() ?? null;

const toEntry = (r: Row): StoredAuditEntry => ({
  id: r.id,
  at: r.at,
  userId: r.user_id,
  username: r.username,
  action: r.action,
  target: r.target,
  outcome: r.outcome,
  detail: r.detail === null ? {} : (JSON.parse(r.detail) as Record<string, unknown>),
  hash: r.hash,
});

/**
 * The audit log on the main connection (synchronous=FULL): an entry is on disk before the call
 * returns. Each row's hash chains it to the one before, and triggers refuse UPDATE and DELETE, so
 * a row changed, removed or inserted behind the application's back breaks the chain at that row.
 */
export function createAuditLog(db: Db, key: Buffer | null = null) {
  const insert = (entry: AuditEntry) => {
    const last = prepared<[], { id: number; hash: string | null }>(db, 'SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').get();
    const row = {
      id: (last?.id ?? 0) + 1,
      at: entry.at,
      user_id: entry.userId,
      username: entry.username,
      action: entry.action,
      target: entry.target,
      outcome: entry.outcome,
      detail: JSON.stringify(entry.detail),
    };
    const hash = key ? keyedHash(key, last?.hash ?? '', row) : chainHash(last?.hash ?? '', row);
    prepared<[Row]>(db, 'INSERT INTO audit (id, at, user_id, username, action, target, outcome, detail, hash) VALUES (@id, @at, @user_id, @username, @action, @target, @outcome, @detail, @hash)').run({ ...row, hash });
  };
  // IMMEDIATE: reading the last hash and inserting must not interleave with another writer.
  const appendTx = db.transaction(insert);

  return {
    append(entry: AuditEntry): void {
      // Inside a caller's transaction (an alarm transition with its audit row) it joins that one.
      if (db.inTransaction) insert(entry);
      else appendTx.immediate(entry);
    },

    /** Newest first. */
    list(query: AuditQuery): StoredAuditEntry[] {
      return prepared<[Record<string, unknown>], Row>(
        db,
        `SELECT * FROM audit
         WHERE (@beforeId IS NULL OR id < @beforeId) AND (@action IS NULL OR action = @action) AND (@userId IS NULL OR user_id = @userId)
         ORDER BY id DESC LIMIT @limit`,
      )
        .all({ beforeId: query.beforeId ?? null, action: query.action ?? null, userId: query.userId ?? null, limit: query.limit })
        .map(toEntry);
    },

    /** Oldest first, with hashes, so that a copy can be verified away from this machine. */
    export(query: AuditExportQuery): StoredAuditEntry[] {
      return prepared<[Record<string, unknown>], Row>(
        db,
        `SELECT * FROM audit
         WHERE id > @afterId AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at <= @to)
         ORDER BY id LIMIT @limit`,
      )
        .all({ afterId: query.afterId ?? 0, from: query.from ?? null, to: query.to ?? null, limit: query.limit })
        .map(toEntry);
    },

    verify(): AuditVerification {
      return verifyAuditChain(db, key);
    },
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;

/**
 * Walks the whole chain in id order and names the first row whose link does not hold. Rows without
 * a hash cannot be vouched for and fail it. With the key, every row from the first keyed one on
 * must be keyed, and a log with rows must have keyed rows at all: a log rehashed without the key fails.
 */
export function verifyAuditChain(db: Db, key: Buffer | null = null): AuditVerification {
  let rows = 0;
  let unchained = 0;
  let firstUnchained: number | null = null;
  let keyedSeen = false;
  let previous: string | null = null;
  let expectedId: number | null = null;
  let lastId = 0;
  const broken = (id: number, reason: string): AuditVerification => ({ ok: false, rows, unchained, firstBroken: { id, reason } });
  for (const row of db.prepare('SELECT * FROM audit ORDER BY id').iterate() as IterableIterator<Row>) {
    rows++;
    lastId = row.id;
    if (expectedId !== null && row.id !== expectedId) return broken(row.id, `row ${expectedId}${row.id > expectedId + 1 ? ` to ${row.id - 1}` : ''} is missing`);
    expectedId = row.id + 1;
    if (!row.hash) {
      if (previous !== null) return broken(row.id, 'row has no hash after the chain began');
      unchained++;
      firstUnchained ??= row.id;
      continue;
    }
    const { hash, ...rest } = row;
    if (hash.startsWith(KEYED_PREFIX)) {
      if (!key) return broken(row.id, 'the row is keyed and no audit key was given to check it');
      if (keyedHash(key, previous ?? '', rest) !== hash) return broken(row.id, 'keyed hash does not match the row and the previous hash: the row or one before it was changed, or the key is not this log’s');
      keyedSeen = true;
    } else {
      if (keyedSeen) return broken(row.id, 'an unkeyed row after the keyed chain began: written without the key');
      if (chainHash(previous ?? '', rest) !== hash) return broken(row.id, 'hash does not match the row and the previous hash: the row or one before it was changed');
    }
    previous = hash;
  }
  if (key && rows > 0 && !keyedSeen) return broken(lastId, 'no row is keyed although the log has an audit key: the log was rehashed without it');
  if (firstUnchained !== null) return { ok: false, rows, unchained, firstBroken: { id: firstUnchained, reason: `${unchained} row(s) from before the chain have no hash and cannot be verified` } };
  return { ok: true, rows, unchained, firstBroken: null };
}
