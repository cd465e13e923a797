import { describe, expect, it } from 'vitest';
import { HOUR_MS, type MachineHour, type Prediction, type TicketRef } from './model';
import { AGENT, MONITORING_FACTOR, MONITORING_HOURS, TOPIC } from './names';
import { createOptimizerAgent, machineKpis, type Expectation, type ExpectedOutcome, type OptimizerInputs } from './optimizer';
import { HOLD_HOURS, type Hold } from './optimizer-adjust';
import { createScheduler } from './scheduler';
import type { AgentMessage, Decision } from './sdk';
import { hour, prediction, T0 } from './test-plant';

const machines = ['m1', 'm2', 'm3'].map((id) => ({ id, name: id.toUpperCase(), type: 'cnc_mill', area: 'machining' }));

function plant(hoursCount: number, shape: (machineId: string, i: number) => Partial<MachineHour> = () => ({})): Record<string, MachineHour[]> {
  return Object.fromEntries(machines.map((m) => [m.id, Array.from({ length: hoursCount }, (_, i) => hour(m.id, i, shape(m.id, i)))]));
}

describe('plant KPIs', () => {
  it('computes OEE against the demonstrated rate, with health and alarm load', () => {
    const hours = plant(8, (id, i) => (id === 'm2' ? { runMs: HOUR_MS / 2, parts: 40, rejected: 4 } : i === 0 ? { parts: 120 } : {}));
    const kpis = machineKpis({ machines, hours, predictions: [prediction('m2', 7, 'medium'), prediction('m2', 6, 'high')], alarmCounts: { m3: 7 } });
    const m1 = kpis[0]!;
    // best hour 120 parts; the shift made 820 in 8 run-hours
    expect(m1.oee!.availability).toBe(1);
    expect(m1.oee!.performance).toBeCloseTo(820 / 960);
    expect(m1.oee!.quality).toBeCloseTo(1 - 8 / 820);
    const m2 = kpis[1]!;
    expect(m2.oee!.availability).toBe(0.5);
    expect(m2.oee!.performance).toBeCloseTo(40 / (HOUR_MS / 2) / (40 / (HOUR_MS / 2)));
    expect(m2.oee!.quality).toBeCloseTo(0.9);
    expect(m2.risk).toBe('medium');
    expect(kpis[2]!.alarmsLastHour).toBe(7);
  });
});

/** Expectations not yet evaluated, read from the decisions as the host reads them from its decision log. */
function open(decisions: readonly Decision[]): Expectation[] {
  const evaluated = new Set(decisions.filter((d) => d.action === 'evaluate_action').map((d) => d.target));
  return decisions.filter((d) => d.params?.expectation && !evaluated.has(d.id)).map((d) => ({ decisionId: d.id, ...(d.params!.expectation as ExpectedOutcome) }));
}

/** Holds set by adjustment decisions, read from the decisions as the host reads them from its decision log. */
function holdsOf(decisions: readonly Decision[]): Hold[] {
  return decisions.filter((d) => d.params?.hold).map((d) => ({ ...(d.params!.hold as Omit<Hold, 'decisionId'>), decisionId: d.id }));
}

describe('plant optimizer on a scripted plant', () => {
  function harness(inputs: () => OptimizerInputs, earlier: readonly Decision[] = []) {
    const decisions: Decision[] = [...earlier];
    const messages: AgentMessage[] = [];
    const idle = (name: string) => ({ name, periodMs: HOUR_MS, inputs: [], actions: [], run: () => {} });
    const scheduler = createScheduler({
      agents: [createOptimizerAgent({ periodMs: HOUR_MS }), idle(AGENT.maintenance), idle(AGENT.energy)],
      budgetMs: 1000,
      now: () => 0,
      onDecision: (d) => decisions.push(d),
      onMessage: (m) => messages.push(m),
      onError: (e) => {
        throw new Error(e.message);
      },
      readInputs: (names, _ts, agent) => (agent === AGENT.optimizer ? { ...inputs(), expectations: open(decisions), holds: holdsOf(decisions) } : {}),
    });
    return { decisions, messages, scheduler };
  }

  it('asks maintenance to watch a risky machine once per 4 hours', () => {
    const predictions: Prediction[] = [prediction('m1', 0, 'medium')];
    const h = harness(() => ({ machines, hours: plant(2), predictions, alarmCounts: {} }));
    for (let i = 1; i <= 5; i++) h.scheduler.advance(T0 + i * HOUR_MS);
    expect(h.messages.map((m) => [m.ts, m.to, m.topic])).toEqual([
      [T0 + HOUR_MS, AGENT.maintenance, TOPIC.increaseMonitoring],
      [T0 + 5 * HOUR_MS, AGENT.maintenance, TOPIC.increaseMonitoring],
    ]);
    expect(h.decisions.filter((d) => d.action === 'request_monitoring')).toHaveLength(2);
  });

  it('activates energy reduction when energy per unit jumps, then tracks the result against its expectation', () => {
    let hours = plant(25);
    const h = harness(() => ({ machines, hours, predictions: [], alarmCounts: {} }));
    hours = plant(26, (_id, i) => (i === 25 ? { kwh: 15 } : {}));
    h.scheduler.advance(T0 + 26 * HOUR_MS);
    const request = h.decisions.find((d) => d.action === 'request_energy_reduction')!;
    expect(request.explanation).toMatch(/50 % above/);
    expect(h.messages).toEqual([expect.objectContaining({ to: AGENT.energy, topic: TOPIC.activateReduction })]);
    // two hours later the plant is back to 0.1 kWh per part: the expectation is met
    hours = plant(28, (_id, i) => (i === 25 ? { kwh: 15 } : {}));
    h.scheduler.advance(T0 + 28 * HOUR_MS);
    const evaluation = h.decisions.find((d) => d.action === 'evaluate_action')!;
    expect(evaluation.target).toBe(request.id);
    expect(evaluation.params).toMatchObject({ met: true, before: 0.15 });
  });

  it('flags an OEE loss against the best of the type, naming the largest loss', () => {
    const h = harness(() => ({ machines, hours: plant(8, (id) => (id === 'm3' ? { runMs: HOUR_MS * 0.55, parts: 55, production: 55 } : {})), predictions: [], alarmCounts: { m2: 9 } }));
    h.scheduler.advance(T0 + 8 * HOUR_MS);
    const flagged = h.decisions.filter((d) => d.action === 'flag_oee_loss' || d.action === 'flag_alarm_load').map((d) => [d.action, d.target, d.params!.loss]);
    expect(flagged).toEqual([
      ['flag_alarm_load', 'm2', undefined],
      ['flag_oee_loss', 'm3', 'availability'],
    ]);
  });

  it('expects a watched machine back at low risk after the monitoring hours, and evaluates it after a restart', () => {
    let predictions: Prediction[] = [prediction('m1', 0, 'high')];
    const first = harness(() => ({ machines, hours: plant(2), predictions, alarmCounts: {} }));
    first.scheduler.advance(T0 + HOUR_MS);
    const request = first.decisions.find((d) => d.action === 'request_monitoring')!;
    expect(request.params).toMatchObject({ hours: MONITORING_HOURS, factor: MONITORING_FACTOR, expectation: { metric: 'risk', before: 2, target: 0, checkAt: T0 + HOUR_MS + MONITORING_HOURS * HOUR_MS } });
    expect(first.messages[0]!.payload).toMatchObject({ machineId: 'm1', hours: MONITORING_HOURS, factor: MONITORING_FACTOR });
    // a new agent (the app restarted) knows the expectation only from the recorded decisions
    predictions = [prediction('m1', 8, 'low')];
    const second = harness(() => ({ machines, hours: plant(10), predictions, alarmCounts: {} }), first.decisions);
    second.scheduler.advance(T0 + 5 * HOUR_MS);
    expect(second.decisions.filter((d) => d.action === 'evaluate_action')).toEqual([]);
    second.scheduler.advance(T0 + 9 * HOUR_MS);
    const evaluations = second.decisions.filter((d) => d.action === 'evaluate_action');
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({ target: request.id, params: { decisionId: request.id, met: true, before: 2, after: 0 } });
    expect(evaluations[0]!.explanation).toMatch(/failure risk went from high to low, expected at most low: met/);
    second.scheduler.advance(T0 + 10 * HOUR_MS);
    expect(second.decisions.filter((d) => d.action === 'evaluate_action')).toHaveLength(1);
  });

  it('holds closer monitoring back for a day when it did not bring a medium risk down, also after a restart', () => {
    const predictions = [prediction('m1', 0, 'medium')];
    const first = harness(() => ({ machines, hours: plant(2), predictions, alarmCounts: {}, tickets: [] }));
    first.scheduler.advance(T0 + HOUR_MS);
    const request = first.decisions.find((d) => d.action === 'request_monitoring')!;
    first.scheduler.advance(T0 + 9 * HOUR_MS);
    const hold = first.decisions.find((d) => d.action === 'hold_recommendation')!;
    expect(hold).toMatchObject({ target: 'm1', params: { evaluationOf: request.id, hold: { recommendation: 'request_monitoring', machineId: 'm1', until: T0 + 9 * HOUR_MS + HOLD_HOURS * HOUR_MS } } });
    expect(hold.explanation).toMatch(/^Closer monitoring of M1 found nothing anybody confirmed and its failure risk stays raised \(failure risk went from medium to medium, expected at most low\), with no ticket open for it: not heightened again for 24 h/);
    // The evaluation comes first, then its adjustment; no new request in the same run.
    expect(first.decisions.slice(-2).map((d) => d.action)).toEqual(['evaluate_action', 'hold_recommendation']);
    expect(first.messages.filter((m) => m.topic === TOPIC.increaseMonitoring)).toHaveLength(1);

    // A new agent (the app restarted) knows the hold only from the recorded decisions.
    const second = harness(() => ({ machines, hours: plant(2), predictions, alarmCounts: {}, tickets: [] }), first.decisions);
    for (let h = 10; h <= 32; h++) second.scheduler.advance(T0 + h * HOUR_MS);
    expect(second.decisions.filter((d) => d.action === 'request_monitoring')).toHaveLength(1);
    expect(second.messages).toEqual([]);
    second.scheduler.advance(T0 + 33 * HOUR_MS);
    expect(second.decisions.filter((d) => d.action === 'request_monitoring')).toHaveLength(2);
  });

  it('asks maintenance for an inspection ticket when the risk stays high and no ticket is open for the machine', () => {
    const predictions = [prediction('m1', 0, 'high')];
    const h = harness(() => ({ machines, hours: plant(2), predictions, alarmCounts: {}, tickets: [] }));
    h.scheduler.advance(T0 + HOUR_MS);
    h.scheduler.advance(T0 + 9 * HOUR_MS);
    const escalation = h.decisions.find((d) => d.action === 'escalate_inspection')!;
    expect(escalation).toMatchObject({ target: 'm1', params: { machineId: 'm1', hold: { recommendation: 'request_monitoring', machineId: 'm1' } } });
    expect(escalation.explanation).toMatch(/^M1 is still at high failure risk after closer monitoring .*: asked maintenance for an inspection ticket/);
    expect(h.decisions.filter((d) => d.action === 'hold_recommendation')).toEqual([]);
    expect(h.messages.at(-1)).toMatchObject({ to: AGENT.maintenance, topic: TOPIC.inspectionTicket, payload: { machineId: 'm1', reason: expect.stringMatching(/no ticket is open for it$/) as unknown } });
    h.scheduler.advance(T0 + 13 * HOUR_MS);
    expect(h.decisions.filter((d) => d.action === 'request_monitoring')).toHaveLength(1);
  });

  it('adjusts nothing when a ticket is open for the watched machine: a person acts on the finding', () => {
    const tickets: TicketRef[] = [{ id: 7, machineId: 'm1', failureType: 'bearing_wear', status: 'in_progress', createdAt: T0, closedAt: null }];
    const h = harness(() => ({ machines, hours: plant(2), predictions: [prediction('m1', 0, 'high')], alarmCounts: {}, tickets }));
    h.scheduler.advance(T0 + HOUR_MS);
    h.scheduler.advance(T0 + 9 * HOUR_MS);
    expect(h.decisions.find((d) => d.action === 'evaluate_action')!.params).toMatchObject({ met: false });
    expect(h.decisions.filter((d) => d.action === 'hold_recommendation' || d.action === 'escalate_inspection')).toEqual([]);
    expect(h.decisions.filter((d) => d.action === 'request_monitoring')).toHaveLength(2);
  });

  it('does not ask for reduction mode again when it did not work, and names the machine whose energy per unit rose instead', () => {
    let hours = plant(25);
    const h = harness(() => ({ machines, hours, predictions: [], alarmCounts: {} }));
    const rising = (count: number) => plant(count, (id, i) => (id === 'm2' && i >= 25 ? { kwh: 15 } : {}));
    hours = rising(26);
    h.scheduler.advance(T0 + 26 * HOUR_MS);
    const request = h.decisions.find((d) => d.action === 'request_energy_reduction')!;
    hours = rising(28);
    h.scheduler.advance(T0 + 28 * HOUR_MS);
    expect(h.decisions.find((d) => d.action === 'evaluate_action')!.params).toMatchObject({ decisionId: request.id, met: false });
    const hold = h.decisions.find((d) => d.action === 'hold_recommendation')!;
    expect(hold).toMatchObject({ target: 'plant', params: { evaluationOf: request.id, hold: { recommendation: 'request_energy_reduction', machineId: null } } });
    hours = rising(30);
    h.scheduler.advance(T0 + 30 * HOUR_MS);
    expect(h.decisions.filter((d) => d.action === 'request_energy_reduction')).toHaveLength(1);
    const flag = h.decisions.find((d) => d.action === 'flag_energy_excess')!;
    expect(flag.target).toBe('m2');
    expect(flag.explanation).toMatch(/M2's energy per unit rose most, from 0.108 to 0.150 kWh/);
    expect(h.messages.filter((m) => m.topic === TOPIC.activateReduction)).toHaveLength(1);
  });

  it('does not flag the same OEE loss again for a day when flagging it did not recover it', () => {
    const h = harness(() => ({ machines, hours: plant(8, (id) => (id === 'm3' ? { runMs: HOUR_MS * 0.55, parts: 55, production: 55 } : {})), predictions: [], alarmCounts: {} }));
    h.scheduler.advance(T0 + 8 * HOUR_MS);
    const flag = h.decisions.find((d) => d.action === 'flag_oee_loss')!;
    h.scheduler.advance(T0 + 16 * HOUR_MS);
    expect(h.decisions.find((d) => d.action === 'hold_recommendation')).toMatchObject({ target: 'm3', params: { evaluationOf: flag.id, hold: { recommendation: 'flag_oee_loss', machineId: 'm3' } } });
    for (let i = 17; i <= 39; i++) h.scheduler.advance(T0 + i * HOUR_MS);
    expect(h.decisions.filter((d) => d.action === 'flag_oee_loss')).toHaveLength(1);
    h.scheduler.advance(T0 + 40 * HOUR_MS);
    expect(h.decisions.filter((d) => d.action === 'flag_oee_loss')).toHaveLength(2);
  });
});
