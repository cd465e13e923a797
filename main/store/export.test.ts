import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeMetrics } from './metrics-codec';
import { exportRows, type ExportFormat, type ExportKind, type ExportOptions } from './export';
import { openDatabase, type Db } from './open-database';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-export-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function exported(kind: ExportKind, format: ExportFormat, opts: ExportOptions = {}): Promise<{ text: string; rows: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const rows = await exportRows(db, kind, format, out, opts);
  return { text: Buffer.concat(chunks).toString('utf8'), rows };
}

describe('exportRows', () => {
  it('writes tickets as escaped CSV, filtered by machine and time', async () => {
    const insert = db.prepare('INSERT INTO maintenance_tickets (machine_id, title, description, status, priority, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insert.run('press-1', 'Bearing, left', 'It said "clunk"\nthen stopped', 'open', 'high', 100, 100);
    insert.run('press-2', 'other machine', '', 'open', 'low', 100, 100);
    insert.run('press-1', 'too early', '', 'open', 'low', 10, 10);
    const { text, rows } = await exported('tickets', 'csv', { machineId: 'press-1', from: 50 });
    expect(rows).toBe(1);
    const [header, line, end] = text.split('\r\n');
    expect(header?.startsWith('id,machine_id,title,description,status')).toBe(true);
    expect(line).toBe('1,press-1,"Bearing, left","It said ""clunk""\nthen stopped",open,high,,,,,,,100,100,');
    expect(end).toBe('');
  });

  it('writes readings in long format, one line per sensor value, across pages', async () => {
    const insert = db.prepare('INSERT INTO readings_stored VALUES (?, ?, ?)');
    db.transaction(() => {
      // every third row packed, the others JSON text: export reads both encodings
      for (let i = 0; i < 2500; i++) insert.run(i % 2 ? 'b' : 'a', 1_700_000_000_000 + i, i % 3 === 1 ? encodeMetrics({ temp: i, rpm: 7 }) : JSON.stringify({ temp: i, rpm: 7 }));
    })();
    const progress: number[] = [];
    const { text, rows } = await exported('readings', 'csv', { onProgress: (n) => progress.push(n) });
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('machine_id,ts,time,sensor,value,unit');
    expect(lines[1]).toBe(`a,1700000000000,${new Date(1_700_000_000_000).toISOString()},temp,0,`);
    expect(lines[2]).toBe(`a,1700000000000,${new Date(1_700_000_000_000).toISOString()},rpm,7,`);
    expect(rows).toBe(5000);
    expect(lines).toHaveLength(5001);
    expect(progress.at(-1)).toBe(5000);
    expect(progress.length).toBeGreaterThan(1);
    const one = await exported('readings', 'json', { machineId: 'b', from: 1_700_000_000_000, to: 1_700_000_000_003 });
    expect(JSON.parse(one.text)).toEqual([
      { machine_id: 'b', ts: 1_700_000_000_001, metrics: { temp: 1, rpm: 7 } },
      { machine_id: 'b', ts: 1_700_000_000_003, metrics: { temp: 3, rpm: 7 } },
    ]);
  });

  it('writes valid JSON arrays, empty ones included', async () => {
    expect(JSON.parse((await exported('alarms', 'json')).text)).toEqual([]);
    db.prepare("INSERT INTO machines VALUES ('m1', 'Press 1', 's', 'a', 'press', 'json', 1, 2)").run();
    expect(JSON.parse((await exported('machines', 'json')).text)).toEqual([
      { id: 'm1', name: 'Press 1', site: 's', area: 'a', type: 'press', protocol: 'json', first_seen: 1, last_seen: 2 },
    ]);
  });

  it('writes the current alarm rows with why and since when each is suppressed, also from a store older than that column', async () => {
    const insert = db.prepare("INSERT INTO alarms (id, machine_id, source, sensor, priority, state, message, raised_at, mode_reason, suppressed_by_design, suppressed_since) VALUES (?, 'p1', 'limit', 'pressure', 'medium', ?, 'pressure low: < 5', ?, ?, ?, ?)");
    insert.run('limit:p1:pressure:L', 'suppressed-by-design', 0, 'machine idle', 1, 1_765_000_061_000);
    insert.run('limit:p1:pressure:LL', 'active-unacknowledged', 1_765_000_000_000, null, 0, null);
    const { text } = await exported('alarms', 'csv');
    const [header, held, active] = text.split('\r\n');
    expect(header).toBe('id,machine_id,source,sensor,priority,state,message,raised_at,cleared_at,acked_at,acked_by,note,mode_reason,suppressed_since');
    expect(held).toBe('limit:p1:pressure:L,p1,limit,pressure,medium,suppressed-by-design,pressure low: < 5,0,,,,,machine idle,1765000061000');
    expect(active?.endsWith(',1765000000000,,,,,,')).toBe(true);
    expect(JSON.parse((await exported('alarms', 'json')).text)[0]).toMatchObject({ state: 'suppressed-by-design', mode_reason: 'machine idle', suppressed_since: 1_765_000_061_000 });
    // A store from before version 14, exported read-only and so not migrated, has no such column yet.
    db.exec('ALTER TABLE alarms DROP COLUMN suppressed_since');
    expect(JSON.parse((await exported('alarms', 'json')).text)[0]).toMatchObject({ mode_reason: 'machine idle', suppressed_since: null });
  });

  it('waits for a slow consumer, and the connection stays usable meanwhile', async () => {
    const insert = db.prepare('INSERT INTO audit (at, action, outcome) VALUES (?, ?, ?)');
    const order = db.prepare('INSERT INTO procurement_orders (part, quantity, status, created_at, updated_at) VALUES (?, 1, ?, 0, 0)');
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) order.run(`part-${i}`, 'draft');
    })();
    let received = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        received += chunk.length;
        insert.run(received, 'during-export', 'ok');
        setTimeout(done, 1);
      },
    });
    const rows = await exportRows(db, 'orders', 'csv', slow);
    expect(rows).toBe(5000);
    expect(db.prepare("SELECT count(*) FROM audit WHERE action = 'during-export'").pluck().get()).toBeGreaterThan(1);
  });
});
