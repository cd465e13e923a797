/**
 * End to end on the simulator: a machine's bearing starts to wear (fault injected through the Plant
 * API), the alarm engine raises a vibration alarm, the condition signal climbs to high risk, the
 * maintenance agent opens a ticket, the procurement agent checks the parts and drafts an order that
 * waits for a supervisor's approval. Twenty-six hours of event time run in seconds: the last hours after the ticket let the procurement agent run on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../common/contract';
import { ConfigSchema } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { runSimulator, type SimulatorHandle } from '../../main/sim/simulate';
import { call, PASSWORD, setupAdmin, tempDirs, until } from './support';

const HOUR = 3_600_000;
const dirs = tempDirs('fb-it-agents-');
let runtime: Runtime;
let admin: Connection;
let sim: SimulatorHandle;
let machineId: string;
const events: { name: EventName; payload: unknown }[] = [];
/**
 * A Tuesday 00:00 UTC at least 30 hours back: the simulated plant runs shifts and stops at weekends,
 * and the bearing must wear on a working day for the machine to run (and vibrate) through it.
 */
const T0 = (() => {
  let day = Math.floor((Date.now() - 30 * HOUR) / (24 * HOUR)) * 24 * HOUR;
  while (new Date(day).getUTCDay() !== 2 || day + 26 * HOUR > Date.now()) day -= 24 * HOUR;
  return day;
})();

beforeAll(async () => {
  const config = ConfigSchema.parse({ dataDir: dirs.make(), broker: { embeddedPort: 0 }, simulator: { enabled: false }, store: { flushMs: 20, backupHourUtc: null } });
  runtime = await startRuntime(config, { log: () => {} });
  runtime.subscribe((name, payload) => events.push({ name, payload }));
  admin = await setupAdmin(runtime);
  sim = await runSimulator({ brokerUrl: runtime.brokerUrl, machines: 6, rateHz: 1 / 30, speed: 0, startTs: T0, durationS: 26 * 3600, faultsPerMachinePerDay: 0, seed: 11, site: 'e2e' });
  const cnc = sim.plant.machines.find((m) => m.spec.type === 'cnc_mill')!;
  sim.plant.injectFault(cnc.id, 'bearing_wear', { startTs: T0 + 12 * HOUR, durationMs: 12 * HOUR });
  // Ingest names machines by their topic: site/area/id.
  machineId = `e2e/${cnc.area}/${cnc.id}`;
}, 30_000);

afterAll(async () => {
  await sim?.stop();
  await runtime?.stop();
  dirs.cleanup();
});

describe('agents on a degrading machine', () => {
  it('goes from alarm to ticket to part check to an order waiting for approval', async () => {
    await sim.done;
    const ticket = await until(async () => (await call(runtime, admin, 'tickets.list', { machineId })).find((t) => t.failureType === 'bearing_wear'), 'a bearing ticket', 30_000);
    expect(ticket).toMatchObject({ status: 'open', reporter: 'agent:maintenance' });
    expect(ticket.repairSteps.length).toBeGreaterThan(2);
    expect(ticket.costEstimate).toBeGreaterThan(0);
    expect(ticket.decisionId).toMatch(/^maintenance:/);

    const alarms = await call(runtime, admin, 'alarms.history', { from: T0, to: T0 + 27 * HOUR, machineId });
    expect(alarms.entries.some((e) => e.action === 'activate' && e.sensor === 'vibration')).toBe(true);

    // until() stops at the first truthy value, and an empty list is truthy: wait for a non-empty one
    const checks = await until(async () => {
      const found = (await call(runtime, admin, 'agents.decisions', { action: 'check_part' })).filter((d) => d.params.machineId === machineId);
      return found.length > 0 ? found : undefined;
    }, 'part checks', 20_000);
    expect(checks.length).toBeGreaterThan(0);
    const order = await until(async () => (await call(runtime, admin, 'procurement.orders', { status: 'pending_approval' })).find((o) => o.machineId === machineId), 'a drafted order', 20_000);
    expect(order).toMatchObject({ createdBy: 'agent:procurement', approvedBy: null });
    expect(order.supplierId).not.toBeNull();
    expect(order.orderBy).not.toBeUndefined();

    const messages = await call(runtime, admin, 'agents.messages', {});
    expect(messages.some((m) => m.topic === 'prepare spare parts inventory' && (m.payload as { machineId: string }).machineId === machineId)).toBe(true);
    expect(events.some((e) => e.name === 'agents')).toBe(true);

    // An operator cannot approve; the administrator can, and it is audited.
    await call(runtime, admin, 'users.create', { username: 'op1', password: PASSWORD, role: 'operator' });
    const operator: Connection = { token: null, transport: 'ws' };
    await call(runtime, operator, 'auth.login', { username: 'op1', password: PASSWORD });
    expect(await runtime.dispatch(operator, 'procurement.orders.approve', { id: order.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const approved = await call(runtime, admin, 'procurement.orders.approve', { id: order.id });
    expect(approved).toMatchObject({ status: 'approved', approvedBy: 'admin' });
    const pdf = await call(runtime, admin, 'procurement.orders.export', { id: order.id, format: 'pdf' });
    expect(Buffer.from(pdf.content, 'base64').subarray(0, 8).toString()).toMatch(/^%PDF-1\.[4-7]$/);

    const energy = await call(runtime, admin, 'energy.summary', {});
    expect(energy.machines.find((m) => m.machineId === machineId)!.today.kwh + energy.plant.kw).toBeGreaterThan(0);
    // The energy screen's load profile: every hour of the plant's day with its tariff band, and hourly KPI rows.
    expect(energy.today.length).toBeGreaterThanOrEqual(23);
    expect(energy.today.every((h) => h.period !== '' && Number.isFinite(h.price))).toBe(true);
    const hourly = await call(runtime, admin, 'reports.kpis', { from: energy.today[0]!.hour, to: energy.today.at(-1)!.hour + 3_600_000, bucket: 'hour' });
    expect(hourly.every((r) => r.bucket % 3_600_000 === 0)).toBe(true);
    const report = await call(runtime, admin, 'reports.optimization', { period: 'day', format: 'csv' });
    expect(report.content).toContain(machineId);
  }, 90_000);
});
