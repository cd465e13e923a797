/**
 * Every agent decision with its inputs and explanation, and every message between agents, on the
 * main connection. Decision ids are deterministic (agent:ts:n), so a replay over history that was
 * already lived records nothing twice.
 */
import type { AgentDecision, AgentMessageRecord } from '../../common/contract-agents';
import type { AgentMessage, Decision } from '../../agents/sdk';
import type { Db } from '../store/open-database';
import { prepared } from '../store/prepared';
import type { EventMs, WallMs } from '../../common/time';

interface DecisionRow {
  id: string;
  agent: string;
  ts: EventMs;
  action: string;
  target: string | null;
  explanation: string;
  inputs: string;
  params: string;
  confidence: number | null;
  status: AgentDecision['status'];
  decided_by: string | null;
  decided_at: WallMs | null;
  outcome: string | null;
}
interface MessageRow {
  seq: number;
  ts: EventMs;
  from_agent: string;
  to_agent: string;
  topic: string;
  payload: string;
}

const toDecision = (r: DecisionRow): AgentDecision => ({
  id: r.id,
  agent: r.agent,
  ts: r.ts,
  action: r.action,
  target: r.target,
  explanation: r.explanation,
  inputs: JSON.parse(r.inputs) as Record<string, unknown>,
  params: JSON.parse(r.params) as Record<string, unknown>,
  confidence: r.confidence,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  outcome: r.outcome,
});
const toMessage = (r: MessageRow): AgentMessageRecord => ({ seq: r.seq, ts: r.ts, from: r.from_agent, to: r.to_agent, topic: r.topic, payload: JSON.parse(r.payload) as unknown });

export function decisionLog(db: Db) {
  const get = (id: string): AgentDecision | null => {
    const row = prepared<[string], DecisionRow>(db, 'SELECT * FROM agent_decisions WHERE id = ?').get(id);
    return row ? toDecision(row) : null;
  };
  return {
    get,
    /** Returns false when the decision was recorded before (a replay). */
    record(d: Decision, status: AgentDecision['status'], recordedAt: WallMs): boolean {
      const { changes } = prepared(
        db,
        'INSERT OR IGNORE INTO agent_decisions (id, agent, ts, action, target, explanation, inputs, params, confidence, status, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run([d.id, d.agent, d.ts, d.action, d.target ?? null, d.explanation, JSON.stringify(d.inputs), JSON.stringify(d.params ?? {}), d.confidence ?? null, status, recordedAt]);
      return changes > 0;
    },
    settle(id: string, status: AgentDecision['status'], outcome: string | null, by: string | null, at: WallMs | null): AgentDecision {
      prepared(db, 'UPDATE agent_decisions SET status = ?, outcome = ?, decided_by = COALESCE(?, decided_by), decided_at = COALESCE(?, decided_at) WHERE id = ?').run([status, outcome, by, at, id]);
      return get(id)!;
    },
    /** Settles only from the expected status (compare-and-set); null when the decision had already moved on. */
    settleIf(id: string, expected: AgentDecision['status'], status: AgentDecision['status'], outcome: string | null, by: string | null, at: WallMs | null): AgentDecision | null {
      const { changes } = prepared(db, 'UPDATE agent_decisions SET status = ?, outcome = ?, decided_by = COALESCE(?, decided_by), decided_at = COALESCE(?, decided_at) WHERE id = ? AND status = ?').run([status, outcome, by, at, id, expected]);
      return changes === 1 ? get(id)! : null;
    },
    list(query: { agent?: string; action?: string; status?: AgentDecision['status']; beforeTs?: EventMs; fromTs?: EventMs; limit: number }): AgentDecision[] {
      return prepared<[Record<string, unknown>], DecisionRow>(
        db,
        `SELECT * FROM agent_decisions WHERE (@agent IS NULL OR agent = @agent) AND (@action IS NULL OR action = @action) AND (@status IS NULL OR status = @status)
         AND (@beforeTs IS NULL OR ts < @beforeTs) AND (@fromTs IS NULL OR ts >= @fromTs) ORDER BY ts DESC, id DESC LIMIT @limit`,
      )
        .all({ agent: query.agent ?? null, action: query.action ?? null, status: query.status ?? null, beforeTs: query.beforeTs ?? null, fromTs: query.fromTs ?? null, limit: query.limit })
        .map(toDecision);
    },
    /**
     * An agent's decisions since fromTs that carry params.expectation and have no evaluate_action of
     * the same agent yet: the optimizer's open expectations, read back at start so that a restart
     * loses none. One range scan of the agent's recent decisions, joined here.
     */
    openExpectations(agent: string, fromTs: EventMs): (Record<string, unknown> & { decisionId: string })[] {
      const rows = prepared<[Record<string, unknown>], { id: string; action: string; target: string | null; expectation: string | null }>(
        db,
        `SELECT id, action, target, CASE WHEN json_type(params, '$.expectation') = 'object' THEN json_extract(params, '$.expectation') END AS expectation
         FROM agent_decisions WHERE ts >= @fromTs AND agent = @agent ORDER BY ts, id`,
      ).all({ agent, fromTs });
      const evaluated = new Set(rows.filter((r) => r.action === 'evaluate_action').map((r) => r.target));
      return rows.flatMap((r) => (r.expectation === null || evaluated.has(r.id) ? [] : [{ ...(JSON.parse(r.expectation) as Record<string, unknown>), decisionId: r.id }]));
    },
    /** Returns the stored record, or null when the same message was recorded before (a replay). */
    message(m: AgentMessage): AgentMessageRecord | null {
      const { changes, lastInsertRowid } = prepared(db, 'INSERT OR IGNORE INTO agent_messages (ts, from_agent, to_agent, topic, payload) VALUES (?, ?, ?, ?, ?)').run([m.ts, m.from, m.to, m.topic, JSON.stringify(m.payload ?? null)]);
      return changes > 0 ? { seq: Number(lastInsertRowid), ts: m.ts, from: m.from, to: m.to, topic: m.topic, payload: m.payload ?? null } : null;
    },
    messages(query: { beforeSeq?: number; limit: number }): AgentMessageRecord[] {
      return prepared<[Record<string, unknown>], MessageRow>(db, 'SELECT * FROM agent_messages WHERE (@beforeSeq IS NULL OR seq < @beforeSeq) ORDER BY seq DESC LIMIT @limit')
        .all({ beforeSeq: query.beforeSeq ?? null, limit: query.limit })
        .map(toMessage);
    },
  };
}
export type DecisionLog = ReturnType<typeof decisionLog>;
