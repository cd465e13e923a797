/**
 * The runtime's log files: where they go, what a start, an audited change and a stop leave in them,
 * and a log folder that cannot be written, which costs the files and nothing else.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../main/config';
import { startRuntime } from '../../main/runtime';
import { call, setupAdmin, tempDirs } from './support';

const dirs = tempDirs('fb-it-logs-');
afterAll(() => dirs.cleanup());

// No simulator and no alarm sync: only what the log records is under test.
const configFor = (dataDir: string, logs: Record<string, unknown> = {}) => ConfigSchema.parse({ dataDir, logs, broker: { embeddedPort: 0 }, simulator: { enabled: false }, alarms: { sync: false }, agents: { enabled: false }, store: { flushMs: 20, backupHourUtc: null } });

function logLines(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((n) => /^factorybrain\.\d{4}-\d{2}-\d{2}\.\d+\.log$/.test(n))
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('runtime log files', () => {
  it('writes start, configuration, audited changes and stop to <dataDir>/logs, and reports where in health', async () => {
    const dataDir = dirs.make();
    const runtime = await startRuntime(configFor(dataDir, { retentionDays: 14 }), { log: () => undefined, processEvents: null });
    try {
      const admin = await setupAdmin(runtime);
      const health = await call(runtime, admin, 'health.get', {});
      expect(health.logs).toEqual({ dir: join(dataDir, 'logs'), retentionDays: 14, state: 'ok', problem: null });
      expect(health.plant).toEqual({ timeZone: 'UTC', shiftStartHours: [6, 14, 22] });
    } finally {
      await runtime.stop();
    }
    const events = logLines(join(dataDir, 'logs'));
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['start', 'config', 'audit', 'stop']));
    expect(events.find((e) => e.event === 'audit' && e.action === 'auth.setup')).toMatchObject({ outcome: 'ok', detail: { password: '[redacted]' } });
    expect(events.at(-1)).toMatchObject({ event: 'stop', level: 'info' });
    expect(JSON.stringify(events)).not.toContain('correct-horse-battery');
  }, 30_000);

  it('starts and answers with a log folder that cannot be written, and says why in health', async () => {
    const dataDir = dirs.make();
    const blocker = join(dataDir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const told: string[] = [];
    const runtime = await startRuntime(configFor(dataDir, { dir: join(blocker, 'logs') }), { log: (m) => told.push(m), processEvents: null });
    try {
      const admin = await setupAdmin(runtime);
      const health = await call(runtime, admin, 'health.get', {});
      expect(health.logs).toMatchObject({ state: 'unavailable', problem: expect.stringContaining('cannot write log files in') });
      expect(await call(runtime, admin, 'machines.list', {})).toEqual([]);
    } finally {
      await runtime.stop();
    }
    expect(told.some((m) => /^log: cannot write log files in .*not-a-folder\/logs/.test(m))).toBe(true);
  }, 30_000);
});
