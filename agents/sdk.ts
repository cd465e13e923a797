/**
 * What an agent is, for the scheduler in ./scheduler. Agents are pure: everything they know comes in
 * through AgentContext and everything they do goes out as decisions and messages, so the same agent
 * gives the same decisions when a day of history is replayed.
 */
import type { EventMs } from '../common/time';

export interface AgentMessage {
  from: string;
  to: string;
  topic: string;
  payload: unknown;
  /** When it was sent. */
  ts: EventMs;
}

/** A message as an agent writes it; the scheduler adds `from` and `ts`. */
export type OutgoingMessage = Omit<AgentMessage, 'from' | 'ts'>;

/** A decision as an agent proposes it. */
export interface ProposedDecision {
  /** One of the agent's declared `actions`. */
  action: string;
  /** What it acts on: a machine id, an order, a supplier. */
  target?: string;
  /** Plain language, for the operator who approves or audits it. */
  explanation: string;
  /** The values the decision was based on, kept with it for audit. */
  inputs: Readonly<Record<string, unknown>>;
  /** 0..1, where the agent can say. */
  confidence?: number;
  /** Action-specific parameters (setpoint, quantity, ...). */
  params?: Readonly<Record<string, unknown>>;
}

export interface Decision extends ProposedDecision {
  /** `<agent>:<ts>:<n>`: the same on every replay of the same history. */
  id: string;
  agent: string;
  /** The run that made it. */
  ts: EventMs;
}

export interface AgentContext {
  /** This run. */
  ts: EventMs;
  /** The previous run, or null on the first. */
  lastRunTs: EventMs | null;
  /** Periods that passed without a run (event time jumped, or the agent was suspended). */
  missedRuns: number;
  /** Messages sent to this agent since its previous run, oldest first. */
  inbox: readonly AgentMessage[];
  /** The agent's declared inputs, as the host's data source gave them for this ts. */
  inputs: Readonly<Record<string, unknown>>;
}

export interface AgentResult {
  decisions?: ProposedDecision[];
  messages?: OutgoingMessage[];
}

export interface Agent {
  readonly name: string;
  /** Run period in event time. */
  readonly periodMs: number;
  /** Names of the data the agent reads; the host resolves them into ctx.inputs. */
  readonly inputs: readonly string[];
  /** Actions the agent may propose; any other is rejected. */
  readonly actions: readonly string[];
  /** Overrides the scheduler's budget for this agent. */
  readonly budgetMs?: number;
  /**
   * Synchronous on purpose: the budget then measures the agent's own work, and a replay cannot
   * interleave runs differently from live.
   */
  run(ctx: AgentContext): AgentResult | void;
}
