/**
 * Drill: kill -9 of the runtime during ingest, repeated. Each round starts `factorybrain serve`,
 * performs audited actions through the WebSocket while a QoS 1 publisher feeds telemetry, and
 * SIGKILLs the process at a random moment. Between rounds the database must pass integrity_check,
 * hold every account and audit row the runtime acknowledged, and keep its audit hash chain. The
 * runtime acknowledges QoS 1 telemetry only once it is stored, so at the end every message the
 * broker accepted must be in the store: the broker redelivers what a kill left unacknowledged.
 *
 *   node --import tsx bench/drills/kill9.ts --iterations 100 --broker mqtt://127.0.0.1:1883
 * Without --broker it starts its own mosquitto.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../main/store/database-file';
import { verifyAuditChain } from '../../main/store/audit-log';
import { AUDIT_KEY_FILE, readKey } from '../../main/store/key-file';
import { startMosquitto } from '../../test/support/mosquitto';
import { contractClient, startPublisher, startServe, waitFor } from './support';

export interface Kill9Options {
  brokerUrl: string;
  iterations: number;
  /** Telemetry messages per second from the publisher. */
  rate?: number;
  flushMs?: number;
  log?: (message: string) => void;
}

export interface Kill9Result {
  iterations: number;
  accountsAcknowledged: number;
  auditAcknowledged: number;
  auditRows: number;
  integrityFailures: string[];
  lostAccounts: string[];
  auditShortfall: number;
  chainBreaks: string[];
  telemetry: {
    published: number;
    stored: number;
    lost: number;
    /** The writer's backlog read just before each kill: what QoS 0 telemetry, never redelivered, would lose. */
    pendingAtKill: number[];
  };
  durationS: number;
}

const PASSWORD = 'correct-horse-battery';

export async function runKill9Drill(opts: Kill9Options): Promise<Kill9Result> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const rate = opts.rate ?? 500;
  const flushMs = opts.flushMs ?? 50;
  const site = `kill9${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'fb-kill9-'));
  // A fixed client id gives the runtime a persistent session: what arrives while it is dead waits in the broker.
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({ broker: { url: opts.brokerUrl, clientId: `fb-${site}`, topics: [`factory/${site}/+/+/telemetry`] }, store: { flushMs, backupHourUtc: null }, simulator: { enabled: false } }),
  );
  const dbPath = join(dataDir, DATABASE_FILE);
  const accounts: string[] = [];
  const pendingAtKill: number[] = [];
  let auditAcknowledged = 0;
  const result: Kill9Result = {
    iterations: opts.iterations,
    accountsAcknowledged: 0,
    auditAcknowledged: 0,
    auditRows: 0,
    integrityFailures: [],
    lostAccounts: [],
    auditShortfall: 0,
    chainBreaks: [],
    telemetry: { published: 0, stored: 0, lost: 0, pendingAtKill: [] },
    durationS: 0,
  };
  let publisher: Awaited<ReturnType<typeof startPublisher>> | null = null;
  try {
    for (let i = 0; i < opts.iterations; i++) {
      const serve = await startServe(dataDir);
      // Subscribed before the first message, so the broker keeps every one for the session.
      publisher ??= await startPublisher(opts.brokerUrl, `factory/${site}/hall/m1/telemetry`, rate);
      const client = await contractClient(serve.port);
      const acked = async (name: string, request: unknown, audited = true) => {
        const r = await client.call(name, request);
        if (!r.ok) throw new Error(`round ${i}: ${name} failed: ${r.error.code}: ${r.error.message}`);
        if (audited) auditAcknowledged++;
        return r.data;
      };
      await acked(i === 0 ? 'auth.setup' : 'auth.login', { username: 'admin', password: PASSWORD, ...(i === 0 ? { setupToken: serve.setupToken } : {}) });
      const name = `op${i}`;
      await acked('users.create', { username: name, password: PASSWORD, role: 'operator' });
      accounts.push(name);
      await acked('auth.lock', {});
      await acked('auth.unlock', { password: PASSWORD });
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 350));
      // Readings the runtime has taken from the broker (and acknowledged) but not yet committed.
      const health = (await acked('health.get', {}, false)) as { store: { pendingRows: number } };
      pendingAtKill.push(health.store.pendingRows);
      const signal = await serve.kill('SIGKILL');
      client.close();
      if (signal !== 'SIGKILL') throw new Error(`round ${i}: serve ended with ${String(signal)} before the kill: ${serve.output().slice(-2000)}`);

      const db = new Database(dbPath, { readonly: true });
      try {
        const integrity = db.pragma('integrity_check', { simple: true }) as string;
        if (integrity !== 'ok') result.integrityFailures.push(`round ${i}: ${integrity}`);
        const users = new Set(db.prepare('SELECT username FROM users').pluck().all() as string[]);
        for (const a of accounts) if (!users.has(a) && !result.lostAccounts.includes(a)) result.lostAccounts.push(a);
        const rows = db.prepare('SELECT count(*) FROM audit').pluck().get() as number;
        result.auditShortfall = Math.max(result.auditShortfall, auditAcknowledged - rows);
        const chain = verifyAuditChain(db, readKey(join(dataDir, AUDIT_KEY_FILE), 'audit key', (m) => result.chainBreaks.push(`round ${i}: ${m}`)));
        if (!chain.ok) result.chainBreaks.push(`round ${i}: row ${chain.firstBroken!.id}: ${chain.firstBroken!.reason}`);
        result.auditRows = rows;
      } finally {
        db.close();
      }
      log(`round ${i + 1}/${opts.iterations}: killed; integrity ok=${result.integrityFailures.length === 0}, audit ${result.auditRows} rows (acknowledged ${auditAcknowledged}), published ${publisher.published}`);
    }

    // A last run drains what the broker kept for the session while the runtime was dead.
    await publisher!.stop();
    const serve = await startServe(dataDir);
    const stored = () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
      } finally {
        db.close();
      }
    };
    let last = -1;
    let steadySince = Date.now();
    await waitFor(() => {
      const now = stored();
      if (now !== last) [last, steadySince] = [now, Date.now()];
      return now >= publisher!.acked || Date.now() - steadySince > 3000;
    }, 'the drained backlog to be stored', 120_000);
    await serve.kill('SIGTERM');
    result.telemetry = {
      published: publisher!.acked,
      stored: last,
      lost: publisher!.acked - last,
      pendingAtKill,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  result.accountsAcknowledged = accounts.length;
  result.auditAcknowledged = auditAcknowledged;
  result.durationS = Math.round((Date.now() - started) / 1000);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '100' }, broker: { type: 'string' }, rate: { type: 'string', default: '500' } } });
  const mosquitto = values.broker ? null : await startMosquitto();
  try {
    const result = await runKill9Drill({ brokerUrl: values.broker ?? mosquitto!.url, iterations: Number(values.iterations), rate: Number(values.rate), log: console.log });
    console.log(JSON.stringify(result, null, 2));
    const ok = result.integrityFailures.length === 0 && result.lostAccounts.length === 0 && result.auditShortfall <= 0 && result.chainBreaks.length === 0 && result.telemetry.lost === 0;
    console.log(`telemetry (QoS 1): lost ${result.telemetry.lost} of ${result.telemetry.published} the broker accepted; writer backlog at the kills: max ${Math.max(...result.telemetry.pendingAtKill)} rows`);
    console.log(ok ? 'DRILL PASSED' : 'DRILL FAILED');
    process.exitCode = ok ? 0 : 1;
  } finally {
    mosquitto?.stop();
  }
}
