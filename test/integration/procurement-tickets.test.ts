/**
 * Procurement and tickets through the contract, as each role: stock edits, a single quote (and a
 * negative one), a manual order with a negotiated price through to delivery and the supplier's
 * record, savings per month, ticket assignment by a supervisor only, and parts used on close.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { call, PASSWORD, setupAdmin, tempDirs } from './support';

const dirs = tempDirs('fb-it-procurement-');
let runtime: Runtime;
let admin: Connection;
let operator: Connection;
let supervisor: Connection;

async function loginAs(username: string, role: 'operator' | 'supervisor'): Promise<Connection> {
  await call(runtime, admin, 'users.create', { username, password: PASSWORD, role });
  const connection: Connection = { token: null, transport: 'ws' };
  await call(runtime, connection, 'auth.login', { username, password: PASSWORD });
  return connection;
}

beforeAll(async () => {
  const config = ConfigSchema.parse({ dataDir: dirs.make(), broker: { embeddedPort: 0 }, simulator: { enabled: false }, alarms: { sync: false }, store: { flushMs: 20, backupHourUtc: null } });
  runtime = await startRuntime(config, { log: () => undefined, processEvents: null });
  admin = await setupAdmin(runtime);
  operator = await loginAs('olga', 'operator');
  supervisor = await loginAs('sam', 'supervisor');
}, 30_000);

afterAll(async () => {
  await runtime?.stop();
  dirs.cleanup();
});

/** The call's error as code and message (support's `call` throws "<call> failed: <code>: <message>"). */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: Error) => {
      const m = /^\S+ failed: (\w+): ([\s\S]*)$/.exec(e.message);
      return m ? { code: m[1], message: m[2] } : { code: undefined, message: e.message };
    },
  );

describe('procurement from the screen', () => {
  it('edits stock and reorder points, takes a single quote, and refuses a negative price', async () => {
    const part = await call(runtime, operator, 'procurement.parts.update', { id: 'bearing-6205', onHand: 7, reorderPoint: 3 });
    expect(part).toMatchObject({ onHand: 7, reorderPoint: 3 });
    const quote = await call(runtime, operator, 'procurement.quotes.add', { supplierId: 'example-bearings', partId: 'bearing-6205', quantity: 4, quotedPrice: 20, negotiatedPrice: 18 });
    expect(quote.savings).toBe(8);
    expect(await failure(call(runtime, operator, 'procurement.quotes.add', { supplierId: 'example-bearings', partId: 'bearing-6205', quantity: 4, quotedPrice: -5 }))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('quotedPrice: cannot be negative') });
    expect((await call(runtime, operator, 'procurement.quotes', { limit: 50 })).filter((q) => q.quotedPrice < 0)).toEqual([]);
  });

  it('takes a manual order with a negotiated price through to delivery, and rates the supplier', async () => {
    const draft = await call(runtime, operator, 'procurement.orders.create', { partId: 'mech-seal-35', supplierId: 'example-fluid', quantity: 2, unitPrice: 215, negotiatedPrice: 200, note: 'by phone' });
    expect(draft).toMatchObject({ status: 'draft', negotiatedPrice: 200, savings: 30 });
    await call(runtime, operator, 'procurement.orders.submit', { id: draft.id });
    expect(await failure(call(runtime, operator, 'procurement.orders.approve', { id: draft.id }))).toMatchObject({ code: 'forbidden' });
    await call(runtime, supervisor, 'procurement.orders.approve', { id: draft.id });
    const placed = await call(runtime, operator, 'procurement.orders.advance', { id: draft.id, to: 'ordered' });
    expect(placed.estimatedDelivery).toBeGreaterThan(placed.updatedAt + 3.9 * 86_400_000);
    const delivered = await call(runtime, operator, 'procurement.orders.advance', { id: draft.id, to: 'delivered' });
    expect(delivered.actualDelivery).not.toBeNull();
    const fluid = (await call(runtime, operator, 'procurement.suppliers', {})).find((s) => s.id === 'example-fluid')!;
    expect(fluid.performance).toEqual({ delivered: 1, onTime: 1, onTimeShare: 1, averageDelayDays: 0 });
    const months = await call(runtime, operator, 'procurement.savings', {});
    expect(months.at(-1)).toMatchObject({ savings: 30, orders: 1 });
    expect(months.at(-1)!.month).toMatch(/^\d{4}-\d{2}$/);
  });
});

describe('tickets', () => {
  it('lets only a supervisor assign a ticket to someone', async () => {
    expect(await failure(call(runtime, operator, 'tickets.create', { title: 'Seal leaking on P-01', assignee: 'tech' }))).toMatchObject({ code: 'forbidden', message: 'assigning a ticket to someone needs the supervisor role' });
    const ticket = await call(runtime, operator, 'tickets.create', { title: 'Seal leaking on P-01' });
    expect(await failure(call(runtime, operator, 'tickets.update', { id: ticket.id, assignee: 'tech' }))).toMatchObject({ code: 'forbidden' });
    // Operators still work the ticket.
    expect(await call(runtime, operator, 'tickets.update', { id: ticket.id, status: 'in_progress' })).toMatchObject({ status: 'in_progress', assignee: null });
    expect(await call(runtime, supervisor, 'tickets.update', { id: ticket.id, assignee: 'tech' })).toMatchObject({ assignee: 'tech' });
  });

  it('labels the machine\u2019s episode in its own event time when a ticket closes with a failure type (a replayed machine too)', async () => {
    const machineId = 'p1/hall/replayed';
    // A machine replayed from 2024: its event time is far behind this console's clock.
    const t = Date.parse('2024-03-04T10:00:00Z');
    for (let k = 0; k < 30; k++) runtime.inference.observe({ machineId, ts: t + k * 5_000, metrics: { power: 5 + (k % 3), temperature: 40 }, receivedAt: Date.now() });
    const ticket = await call(runtime, operator, 'tickets.create', { machineId, title: 'Bearing noise' });
    await call(runtime, operator, 'tickets.close', { id: ticket.id, actualCost: 0, confirmedFailureType: 'bearing' });
    const db = new Database(runtime.dbPath, { readonly: true });
    try {
      const labels = db.prepare('SELECT from_ts AS "from", to_ts AS "to", label FROM condition_labels WHERE machine_id = ?').all(machineId) as { from: number; to: number; label: string }[];
      expect(labels).toEqual([{ from: expect.any(Number), to: t + 29 * 5_000, label: 'bearing' }]);
      expect(labels[0]!.from).toBeLessThanOrEqual(labels[0]!.to);
    } finally {
      db.close();
    }
  });

  it('records the parts a closed ticket used, which leave stock; too few on hand refuses the close', async () => {
    const ticket = await call(runtime, operator, 'tickets.create', { title: 'Bearing noise' });
    const before = (await call(runtime, operator, 'procurement.parts', {})).find((p) => p.id === 'bearing-6205')!.onHand;
    expect(await failure(call(runtime, operator, 'tickets.close', { id: ticket.id, actualCost: 80, partsUsed: [{ partId: 'bearing-6205', quantity: before + 1 }] }))).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^only \d+ .* on hand/) });
    expect((await call(runtime, operator, 'tickets.list', { limit: 50 })).find((t) => t.id === ticket.id)!.status).not.toBe('closed');
    const closed = await call(runtime, operator, 'tickets.close', { id: ticket.id, actualCost: 80, partsUsed: [{ partId: 'bearing-6205', quantity: 2 }] });
    expect(closed.status).toBe('closed');
    expect((await call(runtime, operator, 'procurement.parts', {})).find((p) => p.id === 'bearing-6205')!.onHand).toBe(before - 2);
    // Closing again changes no stock.
    expect(await failure(call(runtime, operator, 'tickets.close', { id: ticket.id, actualCost: 80, partsUsed: [{ partId: 'bearing-6205', quantity: 1 }] }))).toMatchObject({ code: 'conflict' });
    expect((await call(runtime, operator, 'procurement.parts', {})).find((p) => p.id === 'bearing-6205')!.onHand).toBe(before - 2);
  });
});
