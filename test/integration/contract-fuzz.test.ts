/**
 * Every contract call with generated input, through the real router and handlers over a real store.
 * The contract promises: no crash, a typed result, a clear error for bad input, and no write when
 * a call is refused (beyond the audit row that records the refusal and the failed-login counters).
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CALL_NAMES, ERROR_CODES, type CallName } from '../../common/contract';
import { ConfigSchema } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { call, PASSWORD, setupAdmin, tempDirs, uniqueName } from './support';

const dirs = tempDirs('fb-fuzz-');
let runtime: Runtime;
let admin: Connection;
let reader: Database.Database;
const logs: string[] = [];

beforeAll(async () => {
  const site = uniqueName('fuzz');
  const config = ConfigSchema.parse({
    dataDir: dirs.make(),
    broker: { url: inject('mosquittoUrl'), topics: [`factory/${site}/+/+/telemetry`] },
    store: { flushMs: 20, backupHourUtc: null },
  });
  runtime = await startRuntime(config, { log: (m) => logs.push(m) });
  admin = await setupAdmin(runtime);
  reader = new Database(runtime.dbPath, { readonly: true });
}, 60_000);

afterAll(async () => {
  reader?.close();
  await runtime?.stop();
  dirs.cleanup();
});

/** Everything an operator's action can change, less the audit log and login failure counters. */
function stateDigest(): string {
  const tables = (reader.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('audit', 'readings_stored', 'readings_recent', 'rollup_1m', 'rollup_1h', 'voice_log', 'machines') ORDER BY name").pluck().all() as string[]);
  // One digest per table, named, so a failure says which table a refused call changed.
  return tables
    .map((table) => {
      const sql = table === 'users' ? 'SELECT id, username, role, password_hash, disabled FROM users ORDER BY id' : `SELECT * FROM "${table}" ORDER BY 1`;
      const rows = JSON.stringify(reader.prepare(sql).raw().all(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
      return `${table}:${createHash('sha256').update(rows).digest('hex').slice(0, 16)}`;
    })
    .join(' ');
}

// Numbers never name an existing account (ids 1, 2), so no generated request can lock the fuzzer out.
const hostileNumber = fc.oneof(fc.integer({ min: -1e9, max: 0 }), fc.integer({ min: 1000 }), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, 1e308));
const hostileString = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '__proto__', "'; DROP TABLE users; --", '../../etc/passwd', 'x'.repeat(100_000), '\u0000\uffff', '=HYPERLINK("x")'));
const hostileValue = fc.oneof(hostileNumber, hostileString, fc.boolean(), fc.constant(null), fc.array(hostileString, { maxLength: 5 }), fc.dictionary(hostileString, hostileString, { maxKeys: 3 }));
const KEYS = ['id', 'username', 'password', 'role', 'machineId', 'sensors', 'from', 'to', 'limit', 'maxPoints', 'resolution', 'alarmId', 'note', 'reason', 'durationMinutes', 'token', 'limits', 'reset', 'disabled', 'afterId', 'text', 'priority', 'engine', 'apiKey'];
const request = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom(...KEYS), hostileValue, { maxKeys: 5 }),
  fc.constantFrom(undefined, null, [], 'string', 42, { __proto__: { admin: true } }, JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
);

// auth.logout and auth.lock would end or lock the fuzzer's own session; they are fuzzed anonymously.
const ANONYMOUS: readonly CallName[] = ['auth.logout', 'auth.lock'];

describe('every contract call with generated input', () => {
  it.each(CALL_NAMES.map((name) => [name]))('%s answers with a typed result and writes nothing when it refuses', async (name) => {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const connection: Connection = ANONYMOUS.includes(name) ? { token: null, transport: 'ws' } : admin;
        const before = stateDigest();
        const result = await runtime.dispatch(connection, name, req);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) {
          expect(ERROR_CODES).toContain(result.error.code);
          expect(result.error.code, `${result.error.message}\n${logs.slice(-3).join('\n')}`).not.toBe('internal');
          expect(result.error.message.length).toBeGreaterThan(0);
          expect(stateDigest()).toBe(before);
        }
        expect(JSON.stringify(result)).not.toContain(PASSWORD);
      }),
      { numRuns: 25 },
    );
    // the fuzzer's session is intact
    expect((await call(runtime, admin, 'auth.state', {})).user?.role).toBe('admin');
  });

  it('leaves no prototype pollution behind', () => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});
