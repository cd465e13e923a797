import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alarm } from '../../common/contract-alarms';
import { alarmRow } from '../../test/support/alarm-row';
import { openAppLog, pruneOldLogs, type AppLog } from './app-log';
import { changedKeys, logProcessErrors, recordStart, redactSecrets } from './lifecycle-log';
import { loggedAudit, logSystemAlarms } from './runtime-events';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'fb-log-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** pino-roll names today's file by the process's local date. */
function todayFile(dir: string): string {
  const d = new Date();
  const date = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return join(dir, `factorybrain.${date}.1.log`);
}
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('app log files', () => {
  it('writes one JSON object a line to the day file in the log folder, creating the folder', async () => {
    const dir = join(temp(), 'nested', 'logs');
    const log = await openAppLog({ dir, retentionDays: 30, console: () => undefined, now: () => Date.UTC(2026, 11, 6, 3, 0) });
    log.info('start', { versions: { app: '0.1.0' } }, 'started');
    log.warn('system-alarm', { alarmId: 'system:broker' }, 'broker down');
    log.close();
    expect(log.status()).toEqual({ dir, retentionDays: 30, state: 'ok', problem: null });
    const [start, alarm] = lines(todayFile(dir));
    expect(start).toMatchObject({ level: 'info', event: 'start', msg: 'started', versions: { app: '0.1.0' }, time: '2026-12-06T03:00:00.000Z' });
    expect(start!.pid).toBe(process.pid);
    expect(alarm).toMatchObject({ level: 'warn', event: 'system-alarm', alarmId: 'system:broker' });
  });

  it('removes day files older than the retention and leaves anything else', () => {
    const dir = temp();
    const names = ['factorybrain.2026-10-01.1.log', 'factorybrain.2026-11-05.1.log', 'factorybrain.2026-11-06.2.log', 'factorybrain.2026-12-06.1.log', 'notes.txt', 'last-config.json'];
    for (const n of names) writeFileSync(join(dir, n), 'x');
    expect(pruneOldLogs(dir, 30, Date.UTC(2026, 11, 6, 12)).sort()).toEqual(['factorybrain.2026-10-01.1.log', 'factorybrain.2026-11-05.1.log']);
    expect(readdirSync(dir).sort()).toEqual(['factorybrain.2026-11-06.2.log', 'factorybrain.2026-12-06.1.log', 'last-config.json', 'notes.txt']);
  });

  it('keeps running on the console when the log folder cannot be created, and says so once', async () => {
    const file = join(temp(), 'a-file');
    writeFileSync(file, 'not a folder');
    const told: string[] = [];
    const log = await openAppLog({ dir: join(file, 'logs'), retentionDays: 30, console: (m) => told.push(m) });
    expect(log.status()).toMatchObject({ state: 'unavailable', problem: expect.stringMatching(/^cannot write log files in .*a-file\/logs \((ENOTDIR|EEXIST)/) });
    log.info('start');
    log.error('unhandled-rejection', { error: 'boom' }, 'nobody caught it');
    log.close();
    expect(told[0]).toMatch(/^log: cannot write log files in .*; logging to the console only$/);
    // Errors still reach a person: the console gets them once the files are gone.
    expect(told.slice(1)).toEqual(['error unhandled-rejection: nobody caught it']);
  });

  it('goes on without the file when the disk is full (writes to /dev/full)', async () => {
    const dir = temp();
    symlinkSync('/dev/full', todayFile(dir));
    const told: string[] = [];
    const log = await openAppLog({ dir, retentionDays: 30, console: (m) => told.push(m) });
    expect(() => {
      for (let i = 0; i < 5; i++) log.info('message', {}, `line ${i}`);
    }).not.toThrow();
    await vi.waitFor(() => expect(log.status().state).toBe('unavailable'));
    expect(log.status().problem).toMatch(/ENOSPC/);
    expect(told.filter((m) => m.startsWith('log: cannot write'))).toHaveLength(1);
    log.close();
  });
});

describe('what the log records about the app', () => {
  async function fileLog(dir: string): Promise<AppLog> {
    return openAppLog({ dir, retentionDays: 30, console: () => undefined });
  }

  it('records starts, stops, a run that ended without a stop, and what changed in the configuration', async () => {
    const dir = temp();
    const config = { dataDir: '/data', broker: { url: 'mqtts://b', password: 'hunter2hunter2' }, plant: { timeZone: 'UTC' } };
    let log = await fileLog(dir);
    recordStart(log, { dir, config, versions: { app: '1' }, now: 0 }).stopped('stop');
    log.close();
    log = await fileLog(dir);
    recordStart(log, { dir, config: { ...config, plant: { timeZone: 'Europe/Berlin' } }, versions: { app: '1' }, now: 1 });
    // No stop: a crash. The next start says so.
    log.close();
    log = await fileLog(dir);
    recordStart(log, { dir, config: { ...config, plant: { timeZone: 'Europe/Berlin' } }, versions: { app: '1' }, now: 2 }).stopped('SIGTERM');
    log.close();

    const events = lines(todayFile(dir)).map((l) => [l.event, l.changed ?? l.reason ?? l.unchanged ?? null]);
    expect(events).toEqual([
      ['start', null],
      ['config', null],
      ['stop', 'stop'],
      ['start', null],
      ['config-changed', ['plant.timeZone']],
      ['unclean-stop', null],
      ['start', null],
      ['config', true],
      ['stop', 'SIGTERM'],
    ]);
    const text = readFileSync(todayFile(dir), 'utf8');
    expect(text).not.toContain('hunter2');
    expect(lines(todayFile(dir))[1]!.config).toMatchObject({ broker: { password: '[redacted]' } });
    expect(existsSync(join(dir, 'running.json'))).toBe(false);
  });

  it('redacts secrets at any depth and lists changed keys by path', () => {
    expect(redactSecrets({ voice: { elevenlabsApiKey: 'k' }, users: [{ password: 'p', name: 'n' }], token: null })).toEqual({ voice: { elevenlabsApiKey: '[redacted]' }, users: [{ password: '[redacted]', name: 'n' }], token: null });
    expect(changedKeys({ a: 1, b: { c: [1] } }, { a: 1, b: { c: [2], d: true } })).toEqual(['b.c', 'b.d']);
  });

  it('logs unhandled rejections (rate-limited) and observes uncaught exceptions, and lets go on stop', async () => {
    const dir = temp();
    const log = await fileLog(dir);
    const events = new EventEmitter();
    const stop = logProcessErrors(log, events);
    for (let i = 0; i < 25; i++) events.emit('unhandledRejection', new Error(`forgotten ${i}`));
    events.emit('uncaughtExceptionMonitor', new TypeError('x is undefined'));
    stop();
    expect(events.listenerCount('unhandledRejection')).toBe(0);
    expect(events.listenerCount('uncaughtExceptionMonitor')).toBe(0);
    log.close();
    const logged = lines(todayFile(dir));
    expect(logged.filter((l) => l.event === 'unhandled-rejection')).toHaveLength(20);
    expect(logged.at(-1)).toMatchObject({ level: 'error', event: 'uncaught-exception', error: 'x is undefined' });
    expect(String(logged[0]!.stack)).toContain('forgotten 0');
  });

  it('logs system alarms when they change state, and every audited call with secrets redacted', async () => {
    const dir = temp();
    const log = await fileLog(dir);
    const alarm = (over: Partial<Alarm>): Alarm => alarmRow('system:store', { machineId: 'system', source: 'system', sensor: null, level: null, state: 'unack' as Alarm['state'], message: 'store: disk full', value: null, limit: null, ...over });
    const onChange = logSystemAlarms(log);
    onChange([alarm({}), alarm({ id: 'limit:p1:temp', source: 'limit' as Alarm['source'] })]);
    onChange([alarm({ value: 5 })]);
    onChange([alarm({ state: 'ack' as Alarm['state'] })]);
    const appended: unknown[] = [];
    const audit = loggedAudit({ append: (e) => appended.push(e) }, log);
    audit.append({ at: 1, userId: 1, username: 'eng', action: 'users.create', target: null, outcome: 'ok', detail: { username: 'op1', password: 'secret-secret', role: 'operator' } });
    audit.append({ at: 2, userId: 2, username: 'op1', action: 'alarms.shelve', target: null, outcome: 'denied', detail: {} });
    log.close();
    expect(appended).toHaveLength(2);
    const logged = lines(todayFile(dir));
    expect(logged.filter((l) => l.event === 'system-alarm').map((l) => [l.level, l.state])).toEqual([
      ['warn', 'unack'],
      ['warn', 'ack'],
    ]);
    expect(logged.filter((l) => l.event === 'audit').map((l) => [l.level, l.action, l.detail])).toEqual([
      ['info', 'users.create', { username: 'op1', password: '[redacted]', role: 'operator' }],
      ['warn', 'alarms.shelve', {}],
    ]);
  });
});
