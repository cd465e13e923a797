import { describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, calls } from '../../common/contract';
import { ROLES, roleAllows, type Role } from '../../common/roles';
import type { AuditEntry } from '../audit/audit-port';
import type { Session } from '../auth/sessions';
import { CallFailure } from '../../common/errors';
import { createRouter, type Handlers, type Connection } from './router';

/** Handlers that record that they ran; validity of their output is not the router's business. */
function recordingHandlers(ran: string[]): Handlers {
  return Object.fromEntries(CALL_NAMES.map((name) => [name, () => (ran.push(name), { ok: true })])) as unknown as Handlers;
}
/** A request each call's schema accepts. */
const validRequest: Record<string, unknown> = {
  'auth.setup': { username: 'admin', password: 'long enough password' },
  'auth.login': { username: 'admin', password: 'x' },
  'auth.resume': { token: 't' },
  'readings.history': { machineId: 'm', from: 0, to: 1000 },
  'voice.settings.set': { minPriority: 'high', elevenlabs: { voiceId: 'JBFqnCBsd6RMkjVDRZzb' }, apiKey: 'sk_0123456789' },
  'voice.test': { text: 'Testing the control room voice.', priority: 'critical' },
  'voice.log': { limit: 20 },
  'alarms.history': { from: 0, to: 1000 },
  'alarms.ack': { alarmId: 'limit:m:temperature:H', note: 'seen' },
  'alarms.shelve': { alarmId: 'limit:m:temperature:H', reason: 'sensor being replaced', durationMinutes: 60 },
  'alarms.unshelve': { alarmId: 'limit:m:temperature:H' },
  'alarms.outOfService': { alarmId: 'limit:m:temperature:H', reason: 'calibration' },
  'alarms.returnToService': { alarmId: 'limit:m:temperature:H' },
  'alarms.limits.get': { machineId: 'm' },
  'alarms.limits.acceptMeta': { machineId: 'm' },
  'machines.eng.set': { scope: 'type', key: 'oven', sensor: 'temperature', eng: { unit: '°C', normal: { low: 40, high: 80 } } },
  'machines.silent': { days: 30 },
  'machines.retire': { machineIds: ['plant1/press/p7'], days: 30 },
  'areas.layout.get': { area: 'fluids' },
  'areas.layout.set': { area: 'fluids', layout: { nodes: [{ machineId: 'm', x: 0.5, y: 0.5 }], links: [] } },
  'alarms.limits.set': {
    machineId: 'm',
    limits: [{ sensor: 'temperature', level: 'H', setpoint: 70, deadband: 1, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true }],
  },
  'users.create': { username: 'operator1', password: 'long enough password', role: 'operator' },
  'users.update': { id: 2, role: 'viewer' },
  'users.disable': { id: 2, disabled: true },
  'users.resetPassword': { id: 2, password: 'long enough password' },
  'auth.unlock': { password: 'x' },
  'models.machine': { machineId: 'm' },
  'models.anomalyEvents': { machineId: 'm' },
  'models.recalibrate': { machineId: 'm' },
  'models.healthHistory': { machineId: 'm', from: 0, to: 1000 },
  'models.stateHistory': { machineId: 'm', from: 0, to: 1000 },
  'models.markNormal': { machineId: 'm', note: 'trial run of a new product' },
  'agents.commands.approve': { decisionId: 'energy:1:0' },
  'agents.commands.reject': { decisionId: 'energy:1:0', note: 'not now' },
  'tickets.create': { title: 'Bearing noise on P-01', machineId: 'p-01' },
  'tickets.update': { id: 1, assignee: 'tech' },
  'tickets.close': { id: 1, actualCost: 120 },
  'tickets.reliability': { from: 0, to: 1000 },
  'procurement.parts.update': { id: 'bearing-6205', onHand: 3 },
  'procurement.quotes.add': { supplierId: 's', partId: 'p', quantity: 2, quotedPrice: 10 },
  'procurement.quotes.import': { csv: 'supplier_id,part_id,quantity,quoted_price\ns,p,1,10\n' },
  'procurement.deals': { partId: 'p', quantity: 1 },
  'procurement.orders.create': { partId: 'p', quantity: 1 },
  'procurement.orders.submit': { id: 1 },
  'procurement.orders.approve': { id: 1 },
  'procurement.orders.reject': { id: 1, reason: 'too dear' },
  'procurement.orders.advance': { id: 1, to: 'ordered' },
  'connectors.opcua.password': { server: 'plc1', password: 'secret' },
  'opcua.browse': { server: 'plc1' },
  'opcua.describe': { server: 'plc1', nodeId: 'ns=1;s=Temperature' },
  'opcua.trust': { thumbprint: '0123456789abcdef0123456789abcdef01234567' },
  'procurement.orders.export': { id: 1, format: 'pdf' },
  'reports.kpis': { from: 0, to: 1000, bucket: 'day' },
  'reports.kpis.export': { from: 0, to: 1000, bucket: 'week' },
  'reports.optimization': { period: 'shift', format: 'csv' },
  'shiftlog.add': { text: 'Pump P-01 runs hot; maintenance comes at 07:00.', machineId: 'p-01' },
  'shiftlog.ack': { ids: [1, 2], note: 'read' },
  'shiftlog.export': { format: 'pdf' },
  'voice.repairSteps': { ticketId: 1, action: 'start' },
};

function setup(role: Role | null, locked = false) {
  const ran: string[] = [];
  const audit: AuditEntry[] = [];
  const session: Session | null = role ? { token: 'tok', user: { id: 1, username: 'u', role }, createdAt: 0, lastActive: 0, locked } : null;
  const dispatch = createRouter({
    handlers: recordingHandlers(ran),
    audit: { append: (e) => audit.push(e) },
    touchSession: (t) => (t === 'tok' ? session : null),
    now: () => 42,
  });
  const connection: Connection = { token: role ? 'tok' : null, transport: 'ws' };
  return { ran, audit, dispatch, connection };
}

describe('router: every contract call as every role', () => {
  for (const role of [null, ...ROLES]) {
    for (const name of CALL_NAMES) {
      const allowed = roleAllows(role, calls[name].permission);
      it(`${name} as ${role ?? 'anonymous'} is ${allowed ? 'allowed' : 'refused'}`, async () => {
        const { ran, dispatch, connection } = setup(role);
        const result = await dispatch(connection, name, validRequest[name] ?? {});
        if (allowed) {
          expect(result.ok).toBe(true);
          expect(ran).toEqual([name]);
        } else {
          expect(result).toMatchObject({ ok: false, error: { code: role ? 'forbidden' : 'unauthenticated' } });
          expect(ran).toEqual([]);
        }
      });
    }
  }
});

describe('router: a locked session', () => {
  const whileLocked = ['auth.state', 'auth.unlock', 'auth.lock', 'auth.logout'];
  for (const name of CALL_NAMES) {
    const allowed = whileLocked.includes(name);
    it(`${name} on a locked admin session is ${allowed ? 'allowed' : 'refused'}`, async () => {
      const { ran, audit, dispatch, connection } = setup('admin', true);
      const result = await dispatch(connection, name, validRequest[name] ?? {});
      if (allowed) {
        expect(result.ok).toBe(true);
        expect(ran).toEqual([name]);
      } else {
        expect(result).toMatchObject({ ok: false, error: { code: 'locked' } });
        expect(ran).toEqual([]);
        // the session stays: the screen behind the lock keeps its events
        expect(connection.token).toBe('tok');
        if (calls[name].audited) expect(audit).toMatchObject([{ action: name, outcome: 'locked', username: 'u' }]);
      }
    });
  }
});

describe('router checks', () => {
  it('refuses names outside the contract, including prototype keys', async () => {
    const { dispatch, connection } = setup('admin');
    for (const name of ['nope', '__proto__', 'constructor', 42, null]) {
      expect(await dispatch(connection, name, {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    }
  });

  it('rejects a malformed request with the schema message and runs nothing', async () => {
    const { ran, dispatch, connection } = setup('admin');
    const result = await dispatch(connection, 'readings.history', { machineId: 'm', from: 'yesterday', to: 5 });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(!result.ok && result.error.message).toContain('from');
    expect(ran).toEqual([]);
  });

  it('treats an expired session as anonymous and clears it from the connection', async () => {
    const { dispatch } = setup('admin');
    const connection: Connection = { token: 'stale-token', transport: 'ipc' };
    expect(await dispatch(connection, 'machines.list', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(connection.token).toBeNull();
  });

  it('audits audited calls with the outcome and without secrets', async () => {
    const { audit, dispatch, connection } = setup(null);
    await dispatch(connection, 'auth.login', { username: 'admin', password: 'secret-pass' });
    expect(audit).toEqual([{ at: 42, userId: null, username: null, action: 'auth.login', target: null, outcome: 'ok', detail: { username: 'admin', password: '***' } }]);
    expect(JSON.stringify(audit)).not.toContain('secret-pass');
  });

  it('turns a CallFailure into its code and an unexpected error into a generic internal error', async () => {
    const log = vi.fn();
    const handlers = {
      'machines.list': () => {
        throw new CallFailure('not_found', 'no such machine');
      },
      'health.get': () => {
        throw new TypeError('secret internals');
      },
    } as unknown as Handlers;
    const dispatch = createRouter({ handlers, audit: { append: () => {} }, touchSession: () => ({ token: 't', user: { id: 1, username: 'a', role: 'admin' }, createdAt: 0, lastActive: 0, locked: false }), now: () => 0, log });
    const connection: Connection = { token: 't', transport: 'ws' };
    expect(await dispatch(connection, 'machines.list', {})).toEqual({ ok: false, error: { code: 'not_found', message: 'no such machine' } });
    const internal = await dispatch(connection, 'health.get', {});
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain('secret internals');
    expect(log).toHaveBeenCalled();
  });
});

describe('router: timing for diagnostics', () => {
  it('tells the observer each call’s time from arrival to answer and its outcome, and leaves unknown names out', async () => {
    const observed: [string, number, string][] = [];
    let clock = 0;
    const handlers = {
      'machines.list': async () => {
        clock += 7;
        return [];
      },
      'health.get': () => {
        clock += 3;
        throw new TypeError('broken');
      },
    } as unknown as Handlers;
    const dispatch = createRouter({
      handlers,
      audit: { append: () => {} },
      touchSession: () => ({ token: 't', user: { id: 1, username: 'a', role: 'viewer' }, createdAt: 0, lastActive: 0, locked: false }),
      now: () => 0,
      observe: (name, ms, code) => observed.push([name, ms, code]),
      monotonic: () => clock,
    });
    const connection: Connection = { token: 't', transport: 'ws' };
    expect(await dispatch(connection, 'machines.list', {})).toEqual({ ok: true, data: [] });
    await dispatch(connection, 'health.get', {});
    await dispatch(connection, 'users.list', {});
    await dispatch(connection, 'no.such.call', {});
    expect(observed).toEqual([
      ['machines.list', 7, 'ok'],
      ['health.get', 3, 'internal'],
      ['users.list', 0, 'forbidden'],
    ]);
  });
});
