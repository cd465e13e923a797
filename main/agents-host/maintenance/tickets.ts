/**
 * Maintenance tickets, made by hand or by the maintenance agent. Closing needs the actual cost, so
 * MTBF, MTTR and the estimate-versus-actual figures have what they need.
 */
import type { Ticket } from '../../../common/contract-agents';
import type { TicketRef } from '../../../agents/model';
import type { Db } from '../../store/open-database';
import { prepared } from '../../store/prepared';
import { CallFailure } from '../../../common/errors';

interface Row {
  id: number;
  machine_id: string | null;
  title: string;
  description: string;
  status: Ticket['status'];
  priority: Ticket['priority'];
  assignee: string | null;
  reporter: string | null;
  failure_type: string | null;
  repair_steps: string | null;
  cost_estimate: number | null;
  actual_cost: number | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  decision_id: string | null;
}

const toTicket = (r: Row): Ticket => ({
  id: r.id,
  machineId: r.machine_id,
  title: r.title,
  description: r.description,
  status: r.status,
  priority: r.priority,
  assignee: r.assignee,
  reporter: r.reporter,
  failureType: r.failure_type,
  repairSteps: r.repair_steps ? (JSON.parse(r.repair_steps) as string[]) : [],
  costEstimate: r.cost_estimate,
  actualCost: r.actual_cost,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  closedAt: r.closed_at,
  decisionId: r.decision_id,
});

export interface NewTicket {
  machineId: string | null;
  title: string;
  description: string;
  priority: Ticket['priority'];
  reporter: string;
  failureType: string | null;
  assignee: string | null;
  repairSteps: readonly string[];
  costEstimate: number | null;
  decisionId: string | null;
}

export type TicketChange = Partial<Pick<Ticket, 'status' | 'assignee' | 'priority' | 'description' | 'repairSteps' | 'costEstimate'>>;

/** `at` is event time for tickets the agents open and wall time for people's; both are epoch ms. */
export function ticketRepository(db: Db) {
  const get = (id: number): Ticket => {
    const row = prepared<[number], Row>(db, 'SELECT * FROM maintenance_tickets WHERE id = ?').get(id);
    if (!row) throw new CallFailure('not_found', `no ticket #${id}`);
    return toTicket(row);
  };
  return {
    get,
    create(t: NewTicket, at: number): Ticket {
      const status = t.assignee ? 'assigned' : 'open';
      const { lastInsertRowid } = prepared(
        db,
        `INSERT INTO maintenance_tickets (machine_id, title, description, status, priority, assignee, reporter, failure_type, repair_steps, cost_estimate, created_at, updated_at, decision_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run([t.machineId, t.title, t.description, status, t.priority, t.assignee, t.reporter, t.failureType, JSON.stringify(t.repairSteps), t.costEstimate, at, at, t.decisionId]);
      return get(Number(lastInsertRowid));
    },
    list(query: { status?: Ticket['status']; machineId?: string; limit: number }): Ticket[] {
      return prepared<[Record<string, unknown>], Row>(
        db,
        `SELECT * FROM maintenance_tickets WHERE (@status IS NULL OR status = @status) AND (@machineId IS NULL OR machine_id = @machineId)
         ORDER BY (status = 'closed'), id DESC LIMIT @limit`,
      )
        .all({ status: query.status ?? null, machineId: query.machineId ?? null, limit: query.limit })
        .map(toTicket);
    },
    update(id: number, change: TicketChange, at: number): Ticket {
      const t = get(id);
      if (t.status === 'closed') throw new CallFailure('conflict', `ticket #${id} is closed`);
      const assignee = change.assignee !== undefined ? change.assignee : t.assignee;
      // Naming an assignee on an open ticket assigns it; anything further is the caller's explicit status.
      const status = change.status ?? (t.status === 'open' && assignee ? 'assigned' : t.status);
      if (status === 'assigned' && !assignee) throw new CallFailure('bad_request', 'an assigned ticket needs an assignee');
      prepared(db, 'UPDATE maintenance_tickets SET status = ?, assignee = ?, priority = ?, description = ?, repair_steps = ?, cost_estimate = ?, updated_at = ? WHERE id = ?').run([
        status,
        assignee,
        change.priority ?? t.priority,
        change.description ?? t.description,
        JSON.stringify(change.repairSteps ?? t.repairSteps),
        change.costEstimate !== undefined ? change.costEstimate : t.costEstimate,
        at,
        id,
      ]);
      return get(id);
    },
    close(id: number, actualCost: number, note: string | undefined, at: number): Ticket {
      const t = get(id);
      if (t.status === 'closed') throw new CallFailure('conflict', `ticket #${id} is already closed`);
      const description = note ? `${t.description}${t.description ? '\n' : ''}Closed: ${note}` : t.description;
      prepared(db, "UPDATE maintenance_tickets SET status = 'closed', actual_cost = ?, description = ?, closed_at = ?, updated_at = ? WHERE id = ?").run([actualCost, description, at, at, id]);
      return get(id);
    },
    /** Tickets the maintenance agent must know about: open ones, and those closed since `since`. */
    refs(since: number): TicketRef[] {
      return prepared<[number], Row>(db, "SELECT * FROM maintenance_tickets WHERE status != 'closed' OR closed_at >= ?")
        .all(since)
        .map((r) => ({ id: r.id, machineId: r.machine_id, failureType: r.failure_type, status: r.status, createdAt: r.created_at, closedAt: r.closed_at }));
    },
    closedBetween(from: number, to: number): TicketRef[] {
      return prepared<[number, number], Row>(db, "SELECT * FROM maintenance_tickets WHERE status = 'closed' AND closed_at >= ? AND created_at <= ?")
        .all(from, to)
        .map((r) => ({ id: r.id, machineId: r.machine_id, failureType: r.failure_type, status: r.status, createdAt: r.created_at, closedAt: r.closed_at }));
    },
  };
}
export type TicketRepository = ReturnType<typeof ticketRepository>;
