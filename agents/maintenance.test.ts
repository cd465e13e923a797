import { describe, expect, it } from 'vitest';
import { createMaintenanceAgent, ticketBlockedBy, ticketTrigger } from './maintenance';
import { DAY_MS, HOUR_MS, type Prediction, type TicketRef } from './model';
import { AGENT, INSPECTION_FAILURE_TYPE, MONITORING_FACTOR, MONITORING_HOURS, TOPIC, type IncreaseMonitoringPayload, type InspectionTicketPayload } from './names';
import { reliability } from './reliability';
import { createScheduler } from './scheduler';
import type { AgentMessage, Decision } from './sdk';
import { part, prediction, T0 } from './test-plant';

const now = (h: number) => T0 + h * HOUR_MS + 30 * 60_000;

describe('ticket hysteresis', () => {
  it('fires on one high hour in the past day, and not once it is older than a day', () => {
    const ps = [prediction('m1', 0, 'high'), prediction('m1', 1, 'low')];
    expect(ticketTrigger(ps, now(1))?.rule).toBe('high');
    expect(ticketTrigger(ps, now(25))).toBeNull();
  });

  it('fires on 3 consecutive medium hours but not on 2, nor on 3 with a gap', () => {
    expect(ticketTrigger([0, 1].map((h) => prediction('m1', h, 'medium')), now(2))).toBeNull();
    expect(ticketTrigger([0, 1, 2].map((h) => prediction('m1', h, 'medium')), now(2))?.rule).toBe('medium-consecutive');
    expect(ticketTrigger([0, 1, 3, 4].map((h) => prediction('m1', h, 'medium')), now(4))).toBeNull();
  });

  it('fires on 6 medium hours in total over the day, spread out', () => {
    const hours = [0, 2, 4, 6, 8, 10];
    expect(ticketTrigger(hours.slice(0, 5).map((h) => prediction('m1', h, 'medium')), now(10))).toBeNull();
    expect(ticketTrigger(hours.map((h) => prediction('m1', h, 'medium')), now(10))).toMatchObject({ rule: 'medium-total', hoursAtRisk: 6 });
  });

  it('counts an hour once however many predictions fall in it', () => {
    const ps = [0, 0, 0, 0, 0, 0].map((_, i) => ({ ...prediction('m1', 0, 'medium'), ts: T0 + i * 60_000 }));
    expect(ticketTrigger(ps, now(1))).toBeNull();
  });

  it('blocks a new ticket while one is open and for 2 days after closing', () => {
    const open: TicketRef = { id: 1, machineId: 'm1', failureType: 'bearing_wear', status: 'assigned', createdAt: T0, closedAt: null };
    expect(ticketBlockedBy([open], 'm1', 'bearing_wear', T0)).toMatch(/still assigned/);
    expect(ticketBlockedBy([open], 'm1', 'overheating', T0)).toBeNull();
    const closed: TicketRef = { ...open, status: 'closed', closedAt: T0 };
    expect(ticketBlockedBy([closed], 'm1', 'bearing_wear', T0 + 2 * DAY_MS - 1)).toMatch(/less than 2 days/);
    expect(ticketBlockedBy([closed], 'm1', 'bearing_wear', T0 + 2 * DAY_MS)).toBeNull();
  });
});

describe('maintenance agent on a scripted plant', () => {
  function harness() {
    const state = { predictions: [] as Prediction[], tickets: [] as TicketRef[] };
    const decisions: Decision[] = [];
    const messages: AgentMessage[] = [];
    const scheduler = createScheduler({
      // A listener in procurement's place: the scheduler delivers only to agents it knows.
      agents: [createMaintenanceAgent({ periodMs: HOUR_MS }), { name: AGENT.procurement, periodMs: HOUR_MS, inputs: [], actions: [], run: () => {} }],
      budgetMs: 1000,
      now: () => 0,
      onDecision: (d) => {
        decisions.push(d);
        if (d.action === 'open_ticket') state.tickets.push({ id: state.tickets.length + 1, machineId: d.target!, failureType: String(d.params!.failureType), status: 'open', createdAt: d.ts, closedAt: null });
      },
      onMessage: (m) => messages.push(m),
      onError: (e) => {
        throw new Error(e.message);
      },
      readInputs: () => ({
        predictions: state.predictions,
        tickets: state.tickets,
        machines: [{ id: 'm1', name: 'CNC-01', type: 'cnc_mill', area: 'machining' }],
        parts: [part('bearing-6205', { unitPrice: 40 }), part('seal', { failureTypes: ['leak'] })],
        labourRate: 50,
      }),
    });
    return { state, decisions, messages, scheduler };
  }

  it('opens one ticket with repair steps and a cost estimate, tells procurement, and not again while it is open', () => {
    const h = harness();
    for (let i = 0; i < 6; i++) {
      h.state.predictions.push(prediction('m1', i, i < 3 ? 'low' : 'medium'));
      h.scheduler.advance(now(i));
    }
    const tickets = h.decisions.filter((d) => d.action === 'open_ticket');
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.ts).toBe(now(5));
    expect(tickets[0]!.explanation).toMatch(/medium or worse for 3 hours in a row/);
    expect(tickets[0]!.params).toMatchObject({ priority: 'medium', failureType: 'bearing_wear', costEstimate: 40 + 4 * 50, parts: ['bearing-6205'] });
    expect((tickets[0]!.params!.repairSteps as string[]).join(' ')).toMatch(/bearing/i);
    expect(h.messages).toEqual([expect.objectContaining({ from: AGENT.maintenance, to: AGENT.procurement, topic: TOPIC.prepareSpares })]);
    expect((h.messages[0]!.payload as { failureLowTs: number }).failureLowTs).toBe(prediction('m1', 5, 'medium').ts + 120 * HOUR_MS);
  });

  it('does not reopen within 2 days of closing, and does after', () => {
    const h = harness();
    h.state.tickets.push({ id: 9, machineId: 'm1', failureType: 'bearing_wear', status: 'closed', createdAt: T0, closedAt: now(0) });
    h.state.predictions.push(prediction('m1', 1, 'high'));
    h.scheduler.advance(now(1));
    expect(h.decisions).toEqual([]);
    h.state.predictions.push(prediction('m1', 48, 'high'));
    h.scheduler.advance(now(48));
    expect(h.decisions.map((d) => [d.action, d.params!.priority])).toEqual([['open_ticket', 'high']]);
  });
});

describe('increase monitoring frequency', () => {
  it('heightens the machine on every request, for the stated hours and factor, and asks for an inspection once a day', () => {
    const outbox: IncreaseMonitoringPayload[] = [];
    const decisions: Decision[] = [];
    const scheduler = createScheduler({
      // The optimizer's place: it sends what the test queues; the maintenance agent reads it on its next run.
      agents: [createMaintenanceAgent({ periodMs: HOUR_MS }), { name: AGENT.optimizer, periodMs: HOUR_MS, inputs: [], actions: [], run: () => ({ messages: outbox.splice(0).map((payload) => ({ to: AGENT.maintenance, topic: TOPIC.increaseMonitoring, payload })) }) }],
      budgetMs: 1000,
      now: () => 0,
      onDecision: (d) => decisions.push(d),
      onError: (e) => {
        throw new Error(e.message);
      },
      readInputs: () => ({ predictions: [], tickets: [], machines: [{ id: 'm1', name: 'CNC-01', type: 'cnc_mill', area: 'machining' }], parts: [], labourRate: 50 }),
    });
    outbox.push({ machineId: 'm1', reason: 'high failure risk (probability 80 %)', hours: 4, factor: 0.5 });
    scheduler.advance(now(0));
    scheduler.advance(now(1));
    outbox.push({ machineId: 'm1', reason: 'medium failure risk (probability 40 %)' });
    scheduler.advance(now(2));
    scheduler.advance(now(3));
    const heightened = decisions.filter((d) => d.action === 'heighten_monitoring');
    expect(heightened.map((d) => [d.ts, d.target, d.params])).toEqual([
      [now(1), 'm1', { machineId: 'm1', until: now(1) + 4 * HOUR_MS, factor: 0.5, reason: 'high failure risk (probability 80 %)' }],
      [now(3), 'm1', { machineId: 'm1', until: now(3) + MONITORING_HOURS * HOUR_MS, factor: MONITORING_FACTOR, reason: 'medium failure risk (probability 40 %)' }],
    ]);
    expect(heightened[0]!.explanation).toBe('Watch CNC-01 closer for 4 h: its anomaly thresholds at 50 % of their usual level, as the plant optimizer asked (high failure risk (probability 80 %)).');
    expect(decisions.filter((d) => d.action === 'schedule_inspection').map((d) => d.ts)).toEqual([now(1)]);
  });
});

describe('inspection ticket the optimizer asks for', () => {
  it('opens a high ticket with the generic inspection steps, and none while one is open', () => {
    const outbox: InspectionTicketPayload[] = [];
    const decisions: Decision[] = [];
    const tickets: TicketRef[] = [];
    const scheduler = createScheduler({
      agents: [createMaintenanceAgent({ periodMs: HOUR_MS }), { name: AGENT.optimizer, periodMs: HOUR_MS, inputs: [], actions: [], run: () => ({ messages: outbox.splice(0).map((payload) => ({ to: AGENT.maintenance, topic: TOPIC.inspectionTicket, payload })) }) }],
      budgetMs: 1000,
      now: () => 0,
      onDecision: (d) => decisions.push(d),
      onError: (e) => {
        throw new Error(e.message);
      },
      readInputs: () => ({ predictions: [], tickets, machines: [{ id: 'm1', name: 'CNC-01', type: 'cnc_mill', area: 'machining' }], parts: [], labourRate: 50 }),
    });
    const reason = 'closer monitoring for its hours did not bring its failure risk down (failure risk went from high to high, expected at most low) and no ticket is open for it';
    outbox.push({ machineId: 'm1', reason });
    scheduler.advance(now(0));
    scheduler.advance(now(1));
    expect(decisions.map((d) => [d.action, d.target, d.params!.failureType, d.params!.priority, d.params!.costEstimate])).toEqual([['open_ticket', 'm1', INSPECTION_FAILURE_TYPE, 'high', 100]]);
    expect(decisions[0]!.explanation).toBe(`Open a high maintenance ticket to inspect CNC-01, as the plant optimizer asked: ${reason}.`);
    expect(decisions[0]!.params!.repairSteps).toContain('Inspect the machine for the cause of the predicted failure.');
    tickets.push({ id: 3, machineId: 'm1', failureType: INSPECTION_FAILURE_TYPE, status: 'open', createdAt: now(1), closedAt: null });
    outbox.push({ machineId: 'm1', reason });
    scheduler.advance(now(2));
    scheduler.advance(now(3));
    expect(decisions).toHaveLength(1);
  });
});

describe('MTBF and MTTR', () => {
  it('divides up time by failures and down time by failures, per machine', () => {
    const t = (id: number, machineId: string, openH: number, closeH: number): TicketRef => ({ id, machineId, failureType: 'leak', status: 'closed', createdAt: T0 + openH * HOUR_MS, closedAt: T0 + closeH * HOUR_MS });
    const r = reliability([t(1, 'm1', 10, 12), t(2, 'm1', 50, 54), t(3, 'm2', 0, 1), { ...t(4, 'm2', 5, 6), status: 'open', closedAt: null }], T0, T0 + 100 * HOUR_MS);
    expect(r).toEqual([
      { machineId: 'm1', failures: 2, mtbfHours: (100 - 6) / 2, mttrHours: 3 },
      { machineId: 'm2', failures: 1, mtbfHours: 99, mttrHours: 1 },
    ]);
  });
});
