/**
 * Finding 8, four eyes on purchase orders: a supervisor who creates an order cannot approve it
 * alone; the refusal says why and is audited, and another supervisor approves. Through the real
 * runtime's contract, as the screens call it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { DATABASE_FILE } from '../../main/store/database-file';
import { openDatabase } from '../../main/store/open-database';
import { call, PASSWORD, setupAdmin, tempDirs } from '../integration/support';

const dirs = tempDirs('fb-sec-orders-');
let runtime: Runtime;
let dataDir: string;
let admin: Connection;

async function loginAs(username: string, role: 'operator' | 'supervisor'): Promise<Connection> {
  await call(runtime, admin, 'users.create', { username, password: PASSWORD, role });
  const connection: Connection = { token: null, transport: 'ws' };
  await call(runtime, connection, 'auth.login', { username, password: PASSWORD });
  return connection;
}

beforeAll(async () => {
  dataDir = dirs.make();
  const config = ConfigSchema.parse({ dataDir, broker: { embeddedPort: 0 }, simulator: { enabled: false }, alarms: { sync: false }, store: { backupHourUtc: null } });
  runtime = await startRuntime(config, { log: () => undefined, processEvents: null });
  admin = await setupAdmin(runtime);
}, 30_000);
afterAll(async () => {
  await runtime?.stop();
  dirs.cleanup();
});

describe('purchase order approval (finding 8)', () => {
  it('refuses the creator’s own approval with the reason, audits it, and takes another supervisor’s', async () => {
    const sam = await loginAs('sam', 'supervisor');
    const sue = await loginAs('sue', 'supervisor');
    const order = await call(runtime, sam, 'procurement.orders.create', { partId: 'mech-seal-35', supplierId: 'example-fluid', quantity: 40, unitPrice: 215 });
    await call(runtime, sam, 'procurement.orders.submit', { id: order.id });

    const own = await runtime.dispatch(sam, 'procurement.orders.approve', { id: order.id });
    expect(own).toMatchObject({ ok: false, error: { code: 'forbidden', message: `order #${order.id}: only someone other than its creator (sam) may approve an order` } });
    const db = openDatabase(join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      const row = db.prepare("SELECT username, outcome, detail FROM audit WHERE action = 'procurement.orders.approve' ORDER BY id DESC LIMIT 1").get() as { username: string; outcome: string; detail: string };
      expect(row).toMatchObject({ username: 'sam', outcome: 'forbidden' });
      expect(JSON.parse(row.detail)).toMatchObject({ id: order.id, reason: expect.stringMatching(/other than its creator/) });
    } finally {
      db.close();
    }
    expect((await call(runtime, sam, 'procurement.orders', { limit: 10 })).find((o) => o.id === order.id)).toMatchObject({ status: 'pending_approval', approvedBy: null });

    expect(await call(runtime, sue, 'procurement.orders.approve', { id: order.id })).toMatchObject({ status: 'approved', createdBy: 'sam', approvedBy: 'sue' });

    // an administrator's own order is refused the same way
    const adminOrder = await call(runtime, admin, 'procurement.orders.create', { partId: 'mech-seal-35', supplierId: 'example-fluid', quantity: 1, unitPrice: 215 });
    await call(runtime, admin, 'procurement.orders.submit', { id: adminOrder.id });
    expect(await runtime.dispatch(admin, 'procurement.orders.approve', { id: adminOrder.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // rejecting one's own order stays possible: it stops spending, it does not authorise it
    expect(await call(runtime, admin, 'procurement.orders.reject', { id: adminOrder.id, reason: 'ordered twice' })).toMatchObject({ status: 'rejected' });
  });
});
