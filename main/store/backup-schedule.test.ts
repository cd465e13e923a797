import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditHeadFile } from './backup';
import { BackupSchedule, backupFileName, newestBackup, nextBackupDue, pruneBackups } from './backup-schedule';
import { openDatabase } from './open-database';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fb-schedule-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('nextBackupDue', () => {
  it('is today at the hour if that is still ahead, else tomorrow', () => {
    expect(nextBackupDue(Date.UTC(2024, 0, 1, 1, 59), 2)).toBe(Date.UTC(2024, 0, 1, 2));
    expect(nextBackupDue(Date.UTC(2024, 0, 1, 2), 2)).toBe(Date.UTC(2024, 0, 2, 2));
    expect(nextBackupDue(Date.UTC(2024, 11, 31, 23), 0)).toBe(Date.UTC(2025, 0, 1, 0));
  });
});

describe('pruneBackups', () => {
  it('keeps the newest backups and never touches other files', () => {
    const names = [3, 1, 4, 2, 5].map((d) => backupFileName(Date.UTC(2024, 0, d, 2)));
    for (const n of [...names, 'notes.txt', 'factorybrain.db']) writeFileSync(join(dir, n), '');
    const removed = pruneBackups(dir, 2);
    expect(removed.map((f) => f.slice(dir.length + 1))).toEqual([1, 2, 3].map((d) => backupFileName(Date.UTC(2024, 0, d, 2))));
    expect(readdirSync(dir).sort()).toEqual([backupFileName(Date.UTC(2024, 0, 4, 2)), backupFileName(Date.UTC(2024, 0, 5, 2)), 'factorybrain.db', 'notes.txt'].sort());
  });
});

describe('BackupSchedule', () => {
  it('backs up on demand into its folder and prunes to keep', async () => {
    const db = openDatabase(join(dir, 'live.db'));
    let now = Date.UTC(2024, 0, 1, 2);
    const log: string[] = [];
    const schedule = new BackupSchedule({ db, dir: join(dir, 'backups'), hourUtc: null, keep: 2, now: () => now, log: (m) => log.push(m) });
    for (let i = 0; i < 3; i++) {
      await schedule.runNow();
      now += 86_400_000;
    }
    schedule.stop();
    db.close();
    const kept = [backupFileName(Date.UTC(2024, 0, 2, 2)), backupFileName(Date.UTC(2024, 0, 3, 2))];
    // each backup has its audit head beside it, and goes with it
    expect(readdirSync(join(dir, 'backups')).sort()).toEqual(kept.flatMap((f) => [f, auditHeadFile(f)]).sort());
    expect(log).toHaveLength(3);
    expect(existsSync(join(dir, 'backups', backupFileName(Date.UTC(2024, 0, 1, 2))))).toBe(false);
  });
});

describe('the last backup and its result', () => {
  it('starts from the newest file of an earlier run, then follows this run’s backups, failures included', async () => {
    const backups = join(dir, 'backups');
    expect(newestBackup(backups)).toBeNull();
    const db = openDatabase(join(dir, 'live.db'));
    let now = Date.UTC(2024, 0, 3, 2, 0, 0, 250);
    const first = new BackupSchedule({ db, dir: backups, hourUtc: null, keep: 3, now: () => now, log: () => {} });
    expect(first.last).toBeNull();
    const file = await first.runNow();
    expect(first.last).toMatchObject({ at: now, ok: true, file, error: null });
    expect(first.last!.bytes).toBeGreaterThan(0);

    // a restart reads the time back from the newest file's name
    now += 3_600_000;
    writeFileSync(join(backups, 'notes.txt'), '');
    expect(new BackupSchedule({ db, dir: backups, hourUtc: null, keep: 3, now: () => now, log: () => {} }).last).toMatchObject({ at: Date.UTC(2024, 0, 3, 2, 0, 0, 250), ok: true, file });

    // a folder that cannot be made: the failure and its reason are the last result
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const failing = new BackupSchedule({ db, dir: blocked, hourUtc: null, keep: 3, now: () => now, log: () => {} });
    await expect(failing.runNow()).rejects.toThrow();
    expect(failing.last).toMatchObject({ at: now, ok: false, file: null, bytes: null });
    expect(failing.last!.error).toMatch(/EEXIST|ENOTDIR/);
    db.close();
  });
});
