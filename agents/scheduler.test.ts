import { describe, expect, it } from 'vitest';
import { createScheduler, type SchedulerError, type SchedulerOptions } from './scheduler';
import type { Agent, AgentContext, AgentMessage, AgentResult, Decision } from './sdk';

function agent(name: string, periodMs: number, run: (ctx: AgentContext) => AgentResult | void, extra: Partial<Agent> = {}): Agent {
  return { name, periodMs, inputs: [], actions: ['act'], run, ...extra };
}

function setup(agents: Agent[], extra: Partial<SchedulerOptions> = {}) {
  const clock = { t: 0 };
  const decisions: Decision[] = [];
  const messages: AgentMessage[] = [];
  const errors: SchedulerError[] = [];
  const scheduler = createScheduler({
    agents,
    budgetMs: 10,
    now: () => clock.t,
    onDecision: (d) => decisions.push(d),
    onMessage: (m) => messages.push(m),
    onError: (e) => errors.push(e),
    ...extra,
  });
  return { scheduler, clock, decisions, messages, errors };
}

const decide = (explanation = 'because'): AgentResult => ({ decisions: [{ action: 'act', target: 'press-1', explanation, inputs: { temp: 80 } }] });

describe('createScheduler', () => {
  it('runs on the first advance, then on the epoch-aligned period grid in event time', () => {
    const seen: AgentContext[] = [];
    const { scheduler } = setup([agent('a', 1000, (ctx) => void seen.push(ctx))]);
    for (const ts of [500, 999, 1000, 1500, 1999, 2000, 2000, 2001, 1000]) scheduler.advance(ts);
    expect(seen.map((c) => [c.ts, c.lastRunTs])).toEqual([
      [500, null],
      [1000, 500],
      [2000, 1000],
    ]);
    expect(scheduler.status()[0]).toMatchObject({ runs: 3, lastRunTs: 2000, nextDueTs: 3000, missedRuns: 0 });
  });

  it('runs a due agent once per advance however far event time jumps, and counts the periods skipped', () => {
    const seen: AgentContext[] = [];
    const { scheduler } = setup([agent('a', 1000, (ctx) => void seen.push(ctx))]);
    scheduler.advance(0);
    scheduler.advance(10_000_000);
    expect(seen.map((c) => [c.ts, c.missedRuns])).toEqual([
      [0, 0],
      [10_000_000, 9999],
    ]);
    // A 1000x replay: one advance per minute of history costs one run per advance.
    for (let ts = 10_060_000; ts <= 16_000_000; ts += 60_000) scheduler.advance(ts);
    expect(seen.length).toBe(2 + 100);
    expect(scheduler.status()[0]!.missedRuns).toBe(9999 + 100 * 59);
  });

  it('stamps decisions with a replay-stable id, the agent and event time, and rejects undeclared or unexplained ones', () => {
    const { scheduler, decisions, errors } = setup([
      agent('a', 1000, () => ({
        decisions: [decide().decisions![0]!, { action: 'launch', explanation: 'x', inputs: {} }, { action: 'act', explanation: ' ', inputs: {} }, decide('again').decisions![0]!],
      })),
    ]);
    scheduler.advance(3000);
    expect(decisions).toEqual([
      { id: 'a:3000:0', agent: 'a', ts: 3000, action: 'act', target: 'press-1', explanation: 'because', inputs: { temp: 80 } },
      { id: 'a:3000:1', agent: 'a', ts: 3000, action: 'act', target: 'press-1', explanation: 'again', inputs: { temp: 80 } },
    ]);
    expect(errors.map((e) => [e.kind, e.agent])).toEqual([
      ['decision', 'a'],
      ['decision', 'a'],
    ]);
  });

  it('gives each agent its declared inputs as the host resolves them at the run time', () => {
    const calls: unknown[] = [];
    const seen: unknown[] = [];
    const { scheduler } = setup([agent('a', 1000, (ctx) => void seen.push(ctx.inputs), { inputs: ['press-1.temp.mean'] })], {
      readInputs: (names, ts, name) => {
        calls.push([names, ts, name]);
        return { 'press-1.temp.mean': ts / 100 };
      },
    });
    scheduler.advance(2000);
    expect(calls).toEqual([[['press-1.temp.mean'], 2000, 'a']]);
    expect(seen).toEqual([{ 'press-1.temp.mean': 20 }]);
  });

  it('isolates a throwing agent: the others still run and decide', () => {
    const { scheduler, decisions, errors } = setup([
      agent('bad', 1000, () => {
        throw new Error('boom');
      }),
      agent('good', 1000, () => decide()),
    ]);
    expect(() => scheduler.advance(0)).not.toThrow();
    expect(decisions.map((d) => d.agent)).toEqual(['good']);
    expect(errors).toMatchObject([{ kind: 'run', agent: 'bad', ts: 0, message: 'agent bad failed: boom' }]);
    expect(errors[0]!.error).toBeInstanceOf(Error);
  });

  it('suspends after K consecutive failures with doubling, capped backoff in event time, and a success clears it', () => {
    let failing = true;
    const runs: number[] = [];
    const { scheduler, errors } = setup(
      [
        agent('flaky', 1000, (ctx) => {
          runs.push(ctx.ts);
          if (failing) throw new Error('down');
        }),
      ],
      { maxConsecutiveFailures: 3, backoffMs: 10_000, maxBackoffMs: 30_000 },
    );
    const advanceTo = (end: number): void => {
      for (let ts = runs.length === 0 ? 0 : runs[runs.length - 1]! + 1000; ts <= end; ts += 1000) scheduler.advance(ts);
    };
    advanceTo(11_000);
    expect(runs).toEqual([0, 1000, 2000]);
    expect(scheduler.status()[0]).toMatchObject({ consecutiveFailures: 3, suspendedUntil: 12_000 });
    expect(errors.filter((e) => e.kind === 'suspended')).toMatchObject([{ agent: 'flaky', ts: 2000 }]);

    advanceTo(12_000); // back, fails once: suspended twice as long
    expect(scheduler.status()[0]!.suspendedUntil).toBe(32_000);
    advanceTo(32_000); // fails again: the cap holds it at 30 s
    expect(scheduler.status()[0]!.suspendedUntil).toBe(62_000);
    expect(runs).toEqual([0, 1000, 2000, 12_000, 32_000]);

    failing = false;
    advanceTo(62_000);
    expect(scheduler.status()[0]).toMatchObject({ consecutiveFailures: 0, suspendedUntil: null, missedRuns: 9 + 19 + 29 });
    failing = true;
    advanceTo(65_000);
    expect(scheduler.status()[0]!.suspendedUntil).toBe(75_000);
  });

  it('flags a run over budget, keeps its output, and honours a per-agent budget', () => {
    const { scheduler, clock, decisions, errors } = setup([
      agent('slow', 1000, () => {
        clock.t += 50;
        return decide();
      }),
      agent('patient', 1000, () => void (clock.t += 50), { budgetMs: 100 }),
      agent('quick', 1000, () => void (clock.t += 10)),
    ]);
    scheduler.advance(0);
    expect(errors).toEqual([{ kind: 'budget', agent: 'slow', ts: 0, message: 'agent slow took 50 ms, budget 10 ms', elapsedMs: 50 }]);
    expect(decisions).toHaveLength(1);
    expect(scheduler.status().map((s) => [s.name, s.overruns, s.lastElapsedMs])).toEqual([
      ['slow', 1, 50],
      ['patient', 0, 50],
      ['quick', 0, 10],
    ]);
  });

  it('delivers messages on the recipient’s next run after the advance they were sent in, whatever the agent order', () => {
    const inboxes: AgentMessage[][] = [];
    const { scheduler, messages } = setup([
      agent('procurement', 1000, (ctx) => void inboxes.push([...ctx.inbox])),
      agent('optimizer', 1000, (ctx) => ({ messages: [{ to: 'procurement', topic: 'demand', payload: { part: 'bearing', qty: ctx.ts / 1000 } }] })),
    ]);
    scheduler.advance(0);
    expect(scheduler.status()[0]!.inbox).toBe(1);
    scheduler.advance(1000);
    scheduler.advance(2000);
    const sent = { from: 'optimizer', to: 'procurement', topic: 'demand', payload: { part: 'bearing', qty: 0 }, ts: 0 };
    expect(inboxes).toEqual([[], [sent], [{ ...sent, payload: { part: 'bearing', qty: 1 }, ts: 1000 }]]);
    expect(messages).toHaveLength(3);
  });

  it('reports a message to an unknown agent without throwing or stopping the sender', () => {
    const { scheduler, errors, decisions } = setup([
      agent('a', 1000, () => ({ ...decide(), messages: [{ to: 'nobody', topic: 't', payload: null }] })),
    ]);
    expect(() => scheduler.advance(0)).not.toThrow();
    expect(errors).toMatchObject([{ kind: 'message', agent: 'a', message: 'agent a sent t to unknown agent nobody' }]);
    expect(decisions).toHaveLength(1);
    expect(scheduler.status()[0]!.consecutiveFailures).toBe(0);
  });

  it('keeps a suspended agent’s inbox bounded, dropping the oldest', () => {
    const { scheduler, errors } = setup(
      [
        agent('sink', 1000, () => {
          throw new Error('down');
        }),
        agent('chatty', 1000, (ctx) => ({ messages: [{ to: 'sink', topic: `n${ctx.ts}`, payload: null }] })),
      ],
      { maxConsecutiveFailures: 1, maxInbox: 2 },
    );
    for (let ts = 0; ts <= 4000; ts += 1000) scheduler.advance(ts);
    expect(scheduler.status()[0]!.inbox).toBe(2);
    expect(errors.filter((e) => e.kind === 'message').map((e) => e.message)).toEqual([
      'inbox of sink is full: dropped n0 from chatty',
      'inbox of sink is full: dropped n1000 from chatty',
      'inbox of sink is full: dropped n2000 from chatty',
    ]);
  });

  it('refuses duplicate names and non-positive periods at creation', () => {
    expect(() => setup([agent('a', 1000, () => {}), agent('a', 1000, () => {})])).toThrow(/two agents/);
    expect(() => setup([agent('a', 0, () => {})])).toThrow(/periodMs/);
  });
});
