/**
 * Runs agents on event time. The host calls advance(ts) as event time moves (on each reading, or from
 * a wall-clock tick live); the scheduler has no timers of its own, so replaying history at any speed
 * runs the same agents at the same event times.
 *
 * - Periods sit on a grid aligned to the epoch (multiples of periodMs), so where a replay starts does
 *   not shift run times. An agent runs on the first advance it sees, then at each grid point reached.
 * - A jump in event time runs a due agent once, not once per period passed; ctx.missedRuns says how
 *   many were skipped, so a 1000x replay costs at most one run per agent per advance.
 * - A run is timed with `now` against the budget; an overrun is reported, and the run's output kept.
 * - A throwing agent is reported and never stops the others. After `maxConsecutiveFailures` in a row
 *   it is suspended for backoffMs (event time), doubling on each further failure up to maxBackoffMs;
 *   one success clears both.
 * - Messages sent during an advance reach their recipients' inboxes when that advance ends, so
 *   delivery does not depend on the order agents are listed in. An inbox is handed over (and emptied)
 *   on the agent's next run, even if that run throws, so one poisonous message cannot fail it forever.
 */
import type { Agent, AgentMessage, Decision } from './sdk';
import type { EventMs, MonoMs } from '../common/time';

export type SchedulerErrorKind = 'run' | 'budget' | 'suspended' | 'decision' | 'message';

export interface SchedulerError {
  kind: SchedulerErrorKind;
  agent: string;
  /** The advance it happened in. */
  ts: EventMs;
  message: string;
  error?: unknown;
  elapsedMs?: number;
}

export interface SchedulerOptions {
  agents: readonly Agent[];
  /** Time one run may take, in the units of `now`. */
  budgetMs: number;
  /** Measures runs against the budget only, e.g. performance.now. */
  now: () => MonoMs;
  onDecision: (decision: Decision) => void;
  onMessage?: (message: AgentMessage) => void;
  onError: (error: SchedulerError) => void;
  /** Resolves an agent's declared inputs at ts; without it ctx.inputs is empty. */
  readInputs?: (names: readonly string[], ts: EventMs, agent: string) => Record<string, unknown>;
  /** Default 3. */
  maxConsecutiveFailures?: number;
  /** First suspension, event time; default 60 s. */
  backoffMs?: number;
  /** Default 1 h. */
  maxBackoffMs?: number;
  /** Messages kept per inbox; the oldest are dropped beyond it (reported). Default 1000. */
  maxInbox?: number;
}

export interface AgentStatus {
  name: string;
  runs: number;
  lastRunTs: EventMs | null;
  nextDueTs: EventMs | null;
  missedRuns: number;
  overruns: number;
  lastElapsedMs: number | null;
  consecutiveFailures: number;
  /** Until when it does not run; null when active. */
  suspendedUntil: EventMs | null;
  inbox: number;
}

export interface Scheduler {
  advance(ts: EventMs): void;
  status(): AgentStatus[];
}

interface Slot {
  agent: Agent;
  actions: ReadonlySet<string>;
  status: AgentStatus;
  suspensions: number;
  inbox: AgentMessage[];
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const maxFailures = options.maxConsecutiveFailures ?? 3;
  const backoffMs = options.backoffMs ?? 60_000;
  const maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
  const maxInbox = options.maxInbox ?? 1000;

  const slots = new Map<string, Slot>();
  for (const agent of options.agents) {
    if (slots.has(agent.name)) throw new Error(`two agents are named ${agent.name}`);
    if (!(agent.periodMs > 0) || !Number.isFinite(agent.periodMs)) throw new Error(`agent ${agent.name}: periodMs must be a positive number`);
    slots.set(agent.name, {
      agent,
      actions: new Set(agent.actions),
      suspensions: 0,
      inbox: [],
      status: {
        name: agent.name,
        runs: 0,
        lastRunTs: null,
        nextDueTs: null,
        missedRuns: 0,
        overruns: 0,
        lastElapsedMs: null,
        consecutiveFailures: 0,
        suspendedUntil: null,
        inbox: 0,
      },
    });
  }

  const report = (kind: SchedulerErrorKind, agent: string, ts: EventMs, message: string, extra?: Partial<SchedulerError>): void =>
    options.onError({ kind, agent, ts, message, ...extra });

  function runOne(slot: Slot, ts: EventMs, outbox: AgentMessage[]): void {
    const { agent, status } = slot;
    const period = agent.periodMs;
    const missed = status.nextDueTs === null ? 0 : Math.floor((ts - status.nextDueTs) / period);
    const inbox = slot.inbox;
    slot.inbox = [];
    const lastRunTs = status.lastRunTs;
    status.runs++;
    status.lastRunTs = ts;
    status.missedRuns += missed;
    status.nextDueTs = (Math.floor(ts / period) + 1) * period;

    let result;
    const start = options.now();
    try {
      const inputs = options.readInputs ? options.readInputs(agent.inputs, ts, agent.name) : {};
      result = agent.run({ ts, lastRunTs, missedRuns: missed, inbox, inputs }) ?? {};
    } catch (error) {
      status.lastElapsedMs = options.now() - start;
      status.consecutiveFailures++;
      report('run', agent.name, ts, `agent ${agent.name} failed: ${error instanceof Error ? error.message : String(error)}`, { error });
      if (status.consecutiveFailures >= maxFailures) {
        slot.suspensions++;
        const pause = Math.min(maxBackoffMs, backoffMs * 2 ** (slot.suspensions - 1));
        status.suspendedUntil = ts + pause;
        report('suspended', agent.name, ts, `agent ${agent.name} suspended for ${pause} ms after ${status.consecutiveFailures} failures in a row`);
      }
      return;
    }
    const elapsed = options.now() - start;
    status.lastElapsedMs = elapsed;
    status.consecutiveFailures = 0;
    status.suspendedUntil = null;
    slot.suspensions = 0;
    const budget = agent.budgetMs ?? options.budgetMs;
    if (elapsed > budget) {
      status.overruns++;
      report('budget', agent.name, ts, `agent ${agent.name} took ${elapsed} ms, budget ${budget} ms`, { elapsedMs: elapsed });
    }

    let n = 0;
    // Checked at run time too: agents may be plain JavaScript or built from configuration.
    for (const d of Array.isArray(result.decisions) ? result.decisions : []) {
      if (typeof d !== 'object' || d === null || !slot.actions.has(d.action)) {
        report('decision', agent.name, ts, `agent ${agent.name} proposed an undeclared action: ${String(d?.action)}`);
      } else if (typeof d.explanation !== 'string' || d.explanation.trim() === '') {
        report('decision', agent.name, ts, `agent ${agent.name} proposed ${d.action} without an explanation`);
      } else {
        options.onDecision({ ...d, id: `${agent.name}:${ts}:${n++}`, agent: agent.name, ts });
      }
    }
    for (const m of Array.isArray(result.messages) ? result.messages : []) {
      if (typeof m !== 'object' || m === null || !slots.has(m.to)) {
        report('message', agent.name, ts, `agent ${agent.name} sent ${String(m?.topic)} to unknown agent ${String(m?.to)}`);
        continue;
      }
      const message: AgentMessage = { from: agent.name, to: m.to, topic: m.topic, payload: m.payload, ts };
      outbox.push(message);
      options.onMessage?.(message);
    }
  }

  return {
    advance(ts) {
      const outbox: AgentMessage[] = [];
      for (const slot of slots.values()) {
        const { nextDueTs, suspendedUntil } = slot.status;
        if (nextDueTs !== null && ts < nextDueTs) continue;
        if (suspendedUntil !== null && ts < suspendedUntil) continue;
        runOne(slot, ts, outbox);
      }
      for (const message of outbox) {
        const slot = slots.get(message.to)!;
        slot.inbox.push(message);
        if (slot.inbox.length > maxInbox) {
          const dropped = slot.inbox.shift()!;
          report('message', message.to, ts, `inbox of ${message.to} is full: dropped ${dropped.topic} from ${dropped.from}`);
        }
      }
    },
    status() {
      return [...slots.values()].map((s) => ({ ...s.status, inbox: s.inbox.length }));
    },
  };
}
