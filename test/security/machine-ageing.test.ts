/**
 * Finding 2, ageing: machines never seen again keep their places under ingest.maxMachines, so an
 * engineer (a supervisor, as for machine edits) lists those silent for longer than N days and
 * retires them, audited; the freed place admits a new machine. Through the real runtime, its
 * embedded broker and the contract.
 */
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../common/contract';
import { ConfigSchema } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { DATABASE_FILE } from '../../main/store/database-file';
import { openDatabase } from '../../main/store/open-database';
import { call, PASSWORD, setupAdmin, tempDirs, until } from '../integration/support';

const DAY = 86_400_000;
const dirs = tempDirs('fb-sec-ageing-');
let runtime: Runtime;
let dataDir: string;
let admin: Connection;
let clock = Date.now();

beforeAll(async () => {
  dataDir = dirs.make();
  const config = ConfigSchema.parse({ dataDir, broker: { embeddedPort: 0 }, simulator: { enabled: false }, store: { flushMs: 20, backupHourUtc: null }, alarms: { sync: false }, agents: { enabled: false }, ingest: { maxMachines: 1 } });
  runtime = await startRuntime(config, { log: () => undefined, processEvents: null, now: () => clock });
  admin = await setupAdmin(runtime);
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
  dirs.cleanup();
});

async function loginAs(username: string): Promise<Connection> {
  const connection: Connection = { token: null, transport: 'ws' };
  await call(runtime, connection, 'auth.login', { username, password: PASSWORD });
  return connection;
}

describe('ageing of machines never seen again (finding 2)', () => {
  it('lets a supervisor retire a machine silent for N days, audited, which frees its place', async () => {
    const device = await mqtt.connectAsync(runtime.brokerUrl, { reconnectPeriod: 0 });
    try {
      const send = (machine: string) => device.publishAsync(`factory/p1/hall/${machine}/telemetry`, JSON.stringify({ ts: Date.now(), metrics: { t: 1 } }), { qos: 1 });
      await send('old');
      await until(async () => (await call(runtime, admin, 'machines.list', {})).some((m) => m.id === 'p1/hall/old'), 'the first machine');
      await send('new');
      await until(async () => (await call(runtime, admin, 'ingest.quarantine', { reason: 'cardinality', limit: 10 })).entries.length > 0, 'the second machine refused at the limit of 1');

      await call(runtime, admin, 'users.create', { username: 'olga', password: PASSWORD, role: 'operator' });
      await call(runtime, admin, 'users.create', { username: 'sam', password: PASSWORD, role: 'supervisor' });
      expect(await call(runtime, await loginAs('sam'), 'machines.silent', { days: 30 })).toEqual([]);
      // a month later (sessions do not last that long: log in again)
      clock += 31 * DAY;
      const operator = await loginAs('olga');
      const sam = await loginAs('sam');
      expect((await call(runtime, sam, 'machines.silent', { days: 30 })).map((m) => m.id)).toEqual(['p1/hall/old']);
      expect(await runtime.dispatch(operator, 'machines.retire', { machineIds: ['p1/hall/old'], days: 30 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await runtime.dispatch(sam, 'machines.retire', { machineIds: ['p1/hall/old'], days: 60 })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/within 60 days: nothing retired/) } });
      // every connected console hears of the retirement at once, and drops the machine
      const pushed: unknown[] = [];
      const unsubscribe = runtime.subscribe((name, payload) => name === 'machines' && pushed.push(events.machines.parse(payload)));
      expect(await call(runtime, sam, 'machines.retire', { machineIds: ['p1/hall/old'], days: 30 })).toEqual({ retired: ['p1/hall/old'] });
      unsubscribe();
      expect(pushed).toContainEqual({ machines: [], removed: ['p1/hall/old'] });

      expect((await call(runtime, sam, 'machines.list', {})).map((m) => m.id)).toEqual([]);
      const db = openDatabase(join(dataDir, DATABASE_FILE), { readonly: true });
      try {
        const audited = db.prepare("SELECT username, outcome, detail FROM audit WHERE action = 'machines.retire' ORDER BY id").all() as { username: string; outcome: string; detail: string }[];
        expect(audited.map((a) => [a.username, a.outcome])).toEqual([['olga', 'forbidden'], ['sam', 'conflict'], ['sam', 'ok']]);
        expect(JSON.parse(audited[2]!.detail)).toMatchObject({ machineIds: ['p1/hall/old'], days: 30 });
        expect(db.prepare("SELECT count(*) FROM machines WHERE id = 'p1/hall/old'").pluck().get()).toBe(0);
      } finally {
        db.close();
      }

      // the place is free: the new machine is admitted now
      await send('new');
      await until(async () => (await call(runtime, sam, 'machines.list', {})).some((m) => m.id === 'p1/hall/new'), 'the new machine after the retirement');
    } finally {
      await device.endAsync();
    }
  });
});
