import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reading } from '../../common/telemetry';
import { openDatabase } from './open-database';
import { TelemetryWriter, type CommitInfo } from './telemetry-writer';

const T0 = Date.UTC(2024, 0, 1);
const retention = { rawDays: 7, minuteDays: 90, hourDays: 1825 };
const readings = (n: number, from = 0, machineId = 'm1'): Reading[] =>
  Array.from({ length: n }, (_, i) => ({ machineId, ts: T0 + (from + i) * 1000, metrics: { temp: i, rpm: 1200 }, receivedAt: 1_000_000 + from + i }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let dir: string;
let dbPath: string;
const writers: TelemetryWriter[] = [];
const start = async (extra: Partial<Parameters<typeof TelemetryWriter.start>[0]> = {}) => {
  const w = await TelemetryWriter.start({ dbPath, flushMs: 10, retention, ...extra });
  writers.push(w);
  return w;
};
const stored = () => {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
  } finally {
    db.close();
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-writer-'));
  dbPath = join(dir, 'store.db');
});
afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('TelemetryWriter (worker thread)', () => {
  it('runs its worker under vitest and commits queued readings in batches', async () => {
    const w = await start({ batchRows: 100 });
    const commits: CommitInfo[] = [];
    w.onCommitted((c) => commits.push(c));
    w.append(readings(250));
    await w.flush();
    expect(w.pendingRows).toBe(0);
    expect(stored()).toBe(250);
    expect(commits.reduce((s, c) => s + c.rows, 0)).toBe(250);
    expect(commits.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...commits.map((c) => c.maxReceivedAt))).toBe(1_000_000 + 249);
    expect(commits.every((c) => c.committedAt >= Date.now() - 60_000)).toBe(true);
  });

  it('commits on its own every flushMs', async () => {
    const w = await start();
    let rows = 0;
    w.onCommitted((c) => (rows += c.rows));
    w.append(readings(3));
    await waitFor(() => rows === 3);
    expect(stored()).toBe(3);
  });

  it('under light load commits once per flushMs, not at every tick', async () => {
    const w = await start({ flushMs: 400, busyFlushMs: 20, busyRowsPerSecond: 1000 });
    const commits: number[] = [];
    w.onCommitted((c) => commits.push(c.rows));
    // 25 rows a second, for about a second
    for (let i = 0; i < 25; i++) {
      w.append([{ machineId: 'm1', ts: T0 + i * 1000, metrics: { a: i }, receivedAt: Date.now() }]);
      await sleep(40);
    }
    await waitFor(() => commits.reduce((a, b) => a + b, 0) === 25);
    // At one commit per 20 ms tick it would take about 25; a slow machine may add one or two.
    expect(commits.length).toBeLessThanOrEqual(6);
  });

  it('under load commits at every busy tick, without waiting for flushMs', async () => {
    const w = await start({ flushMs: 60_000, busyFlushMs: 20, busyRowsPerSecond: 1000 });
    const commits: number[] = [];
    w.onCommitted((c) => commits.push(c.rows));
    // 5,000 rows a second for about 300 ms, then nothing: the last rows go too
    for (let k = 0; k < 15; k++) {
      w.append(readings(100, k * 100));
      await sleep(20);
    }
    await waitFor(() => commits.reduce((a, b) => a + b, 0) === 1500, 5000);
    expect(commits.length).toBeGreaterThanOrEqual(3);
  });

  it('survives bad rows: they are counted, the rest of the batch is stored', async () => {
    const w = await start();
    const bad = [
      { machineId: 'm1', ts: T0 + 0.5, metrics: { a: 1 }, receivedAt: 0 },
      { machineId: '', ts: T0, metrics: { a: 1 }, receivedAt: 0 },
      { machineId: 'm1', ts: T0, metrics: { a: 10n } as unknown as Record<string, number>, receivedAt: 0 },
    ];
    w.append([...readings(2), ...bad, ...readings(2, 10)]);
    await w.flush();
    expect(stored()).toBe(4);
    expect(w.rejectedRows).toBe(3);
    expect(w.lastError).toBeNull();
  });

  it('reports a locked database, keeps the batch and retries it until it commits', async () => {
    const w = await start({ busyTimeoutMs: 20 });
    const errors: string[] = [];
    w.onError((e) => errors.push(e));
    const blocker = openDatabase(dbPath);
    blocker.exec('BEGIN EXCLUSIVE');
    w.append(readings(20));
    await waitFor(() => errors.length >= 2);
    expect(w.lastError).toMatch(/BUSY|locked/i);
    expect(w.pendingRows).toBe(20);
    blocker.exec('ROLLBACK');
    blocker.close();
    await waitFor(() => w.pendingRows === 0);
    expect(stored()).toBe(20);
    expect(w.lastError).toBeNull();
  });

  it('bounds the queue while the store is failing, dropping the oldest rows', async () => {
    const w = await start({ busyTimeoutMs: 20, maxPendingRows: 100 });
    const blocker = openDatabase(dbPath);
    blocker.exec('BEGIN EXCLUSIVE');
    w.append(readings(60));
    w.append(readings(200, 1000));
    expect(w.pendingRows).toBe(100);
    expect(w.droppedRows).toBe(160);
    blocker.exec('ROLLBACK');
    blocker.close();
    await w.flush();
    expect(stored()).toBe(100);
    const db = openDatabase(dbPath, { readonly: true });
    expect(db.prepare('SELECT min(ts) FROM readings').pluck().get()).toBe(T0 + 1100 * 1000);
    db.close();
  });

  it('whenStored calls back, in order, only once the rows before the mark are committed, without waiting for the tick', async () => {
    const w = await start({ flushMs: 60_000 });
    const acked: string[] = [];
    expect(w.appendedRows).toBe(0);
    w.whenStored(w.appendedRows, () => acked.push('nothing pending'));
    expect(acked).toEqual(['nothing pending']);
    w.append(readings(3));
    const first = w.appendedRows;
    w.whenStored(first, () => acked.push(`first: ${stored()}`));
    w.append(readings(2, 3));
    w.whenStored(w.appendedRows, () => acked.push(`second: ${stored()}`));
    expect(first).toBe(3);
    expect(acked).toHaveLength(1);
    await waitFor(() => acked.length === 3);
    expect(acked.slice(1)).toEqual([expect.stringMatching(/^first: [35]$/), 'second: 5']);
  });

  it('whenStored does not hold acknowledgements back while the store is failing', async () => {
    const w = await start({ busyTimeoutMs: 20, flushMs: 60_000 });
    const blocker = openDatabase(dbPath);
    blocker.exec('BEGIN EXCLUSIVE');
    let held = 0;
    w.append(readings(5));
    w.whenStored(w.appendedRows, () => held++);
    await waitFor(() => w.lastError !== null);
    expect(held).toBe(1);
    w.append(readings(5, 5));
    w.whenStored(w.appendedRows, () => held++);
    expect(held).toBe(2);
    blocker.exec('ROLLBACK');
    blocker.close();
    await w.flush();
    expect(stored()).toBe(10);
  });

  it('whenStored treats rows dropped behind the batch in flight as settled, and releases marks in order', async () => {
    const w = await start({ maxPendingRows: 100, flushMs: 60_000 });
    const seen: string[] = [];
    w.append(readings(60));
    w.whenStored(w.appendedRows, () => seen.push(`first: ${stored()}`));
    // Appended while the first batch is in flight: 160 of these 200 are dropped, the oldest first.
    w.append(readings(200, 1000));
    w.whenStored(w.appendedRows, () => seen.push(`second: ${stored()}`));
    expect(w.droppedRows).toBe(160);
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['first: 60', 'second: 100']);
  });

  it('commits what is pending on close', async () => {
    const w = await start({ flushMs: 10_000 });
    w.append(readings(42));
    await w.close();
    expect(stored()).toBe(42);
  });

  it('rejects start when the database cannot be opened', async () => {
    await expect(TelemetryWriter.start({ dbPath: join(dir, 'no', 'such', 'dir', 'x.db'), flushMs: 10, retention })).rejects.toThrow();
  });
});
