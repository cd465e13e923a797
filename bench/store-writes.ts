/**
 * npm run bench:store-writes: how many bytes the telemetry store writes for a plant's readings.
 * 500 machines report once a second and the writer commits once a second, as at plant rate
 * (store.flushMs 1000). Each run writes ten minutes of history, then five measured minutes.
 *
 * Two ways of storing the same rows alternate in one process: straight into the (machine_id, ts)
 * index, as before schema version 17 (the recent table replaced by a view whose trigger inserts
 * into the index), and the shipped recent table (main/store/recent-readings.ts). Written bytes are
 * the process's write() syscalls (/proc/self/io wchar): SQLite's WAL frames and checkpoints,
 * whatever the file system under them. They depend on the rows alone, not on the machine's load.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { medianInPlace } from '../main/primitives/median';
import { openDatabase } from '../main/store/open-database';
import { RECENT_LIMITS, type RecentLimits } from '../main/store/recent-readings';
import { TelemetrySink, type RowBatch } from '../main/store/telemetry-sink';

const MACHINES = 500;
const HISTORY_S = 600;
const MEASURED_S = 300;
const PAIRS = 2;
/** The shipped layout must write at most this share of what inserting straight into the index writes. */
const LIMIT_RATIO = 0.5;

function wchar(): number {
  let text: string;
  try {
    text = readFileSync('/proc/self/io', 'utf8');
  } catch (err) {
    throw new Error(`bench:store-writes reads written bytes from /proc/self/io, which this system does not have (${(err as Error).message})`);
  }
  const m = /^wchar: (\d+)$/m.exec(text);
  if (!m) throw new Error('/proc/self/io has no wchar line');
  return Number(m[1]);
}

const ids = Array.from({ length: MACHINES }, (_, i) => `plant1/area${i % 5}/M${String(i).padStart(3, '0')}`);
const second = (t: number): RowBatch => ({
  machineIds: ids,
  ts: Float64Array.from(ids, (_, i) => t + i),
  metrics: ids.map((_, i) => JSON.stringify({ temp: 60 + (t % 7) + (i % 3), vib: 2.1 + (t % 5) / 10, power: 11.5 + (t % 13) / 3, rpm: 1480 + (t % 9) })),
});

interface Run {
  mbPerS: number;
  cpuMsPerCommit: number;
}

/** Makes the writer's inserts into readings_recent go straight into the index, as before schema 17. */
const STRAIGHT_INTO_INDEX = `
  DROP VIEW readings;
  DROP TABLE readings_recent;
  CREATE VIEW readings_recent AS SELECT machine_id, ts, metrics, 0 AS rowid FROM readings_stored WHERE 0;
  CREATE TRIGGER readings_recent_straight INSTEAD OF INSERT ON readings_recent
    BEGIN INSERT OR REPLACE INTO readings_stored (machine_id, ts, metrics) VALUES (NEW.machine_id, NEW.ts, NEW.metrics); END;
  CREATE TRIGGER readings_recent_clear INSTEAD OF DELETE ON readings_recent BEGIN SELECT 1; END;
  CREATE VIEW readings AS SELECT machine_id, ts, metrics FROM readings_stored;
`;

function run(layout: 'straight' | 'recent'): Run {
  const dir = mkdtempSync(join(tmpdir(), 'fb-store-writes-'));
  const db = openDatabase(join(dir, 'store.db'), { synchronous: 'NORMAL' });
  const recent: RecentLimits = layout === 'straight' ? { maxRows: 1, maxAgeMs: 0 } : RECENT_LIMITS;
  if (layout === 'straight') db.exec(STRAIGHT_INTO_INDEX);
  try {
    let clock = Date.UTC(2026, 11, 1);
    const sink = new TelemetrySink(db, { retention: { rawDays: 7, minuteDays: 90, hourDays: 1825 }, syncEveryMs: 500, recent, now: () => clock });
    for (let s = 0; s < HISTORY_S; s++) sink.write(second((clock += 1000)));
    const w0 = wchar();
    const c0 = process.cpuUsage();
    for (let s = 0; s < MEASURED_S; s++) sink.write(second((clock += 1000)));
    const cpu = process.cpuUsage(c0);
    return { mbPerS: (wchar() - w0) / MEASURED_S / 1e6, cpuMsPerCommit: (cpu.user + cpu.system) / 1000 / MEASURED_S };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const straight: Run[] = [];
const shipped: Run[] = [];
for (let p = 0; p < PAIRS; p++) {
  straight.push(run('straight'));
  shipped.push(run('recent'));
}
const before = medianInPlace(straight.map((r) => r.mbPerS));
const after = medianInPlace(shipped.map((r) => r.mbPerS));
const ratio = after / before;
const gbPerDay = (mbPerS: number) => (mbPerS * 86_400) / 1000;
console.log(`${MACHINES} machines at 1 Hz, one commit a second, ${MEASURED_S} s measured after ${HISTORY_S} s of history; ${PAIRS} runs each, alternating`);
console.log(`straight into the index: ${before.toFixed(2)} MB/s written (${gbPerDay(before).toFixed(0)} GB a day), writer CPU ${medianInPlace(straight.map((r) => r.cpuMsPerCommit)).toFixed(2)} ms per commit (with the trigger's own cost)`);
console.log(`recent table (${RECENT_LIMITS.maxRows} rows or ${RECENT_LIMITS.maxAgeMs / 1000} s): ${after.toFixed(2)} MB/s written (${gbPerDay(after).toFixed(0)} GB a day), writer CPU ${medianInPlace(shipped.map((r) => r.cpuMsPerCommit)).toFixed(2)} ms per commit`);
console.log(`ratio ${ratio.toFixed(2)} (limit ${LIMIT_RATIO})`);
console.log(
  JSON.stringify({
    machines: MACHINES,
    straightIntoIndexMBps: before,
    recentTableMBps: after,
    recentTableGBPerDay: gbPerDay(after),
    ratio,
    straightIntoIndexCpuMs: straight.map((r) => r.cpuMsPerCommit),
    recentTableCpuMs: shipped.map((r) => r.cpuMsPerCommit),
    limitRatio: LIMIT_RATIO,
    pass: ratio <= LIMIT_RATIO,
  }),
);
