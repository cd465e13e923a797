/**
 * MTBF and MTTR per machine from its closed tickets. Each closed ticket with a failure type is one
 * failure, down from its opening to its closing; MTBF is the up time of the period divided by the
 * failures in it (IEC 60050-192 uses operating time; with no run schedule, period minus repair time
 * is the best the tickets can tell).
 */
import type { TicketRef } from './model';

export interface Reliability {
  machineId: string;
  failures: number;
  /** Hours; null without a failure in the period. */
  mtbfHours: number | null;
  mttrHours: number | null;
}

export function reliability(tickets: readonly TicketRef[], from: number, to: number): Reliability[] {
  const byMachine = new Map<string, { failures: number; downMs: number }>();
  for (const t of tickets) {
    if (t.machineId === null || t.failureType === null || t.status !== 'closed' || t.closedAt === null) continue;
    if (t.closedAt < from || t.createdAt > to) continue;
    const entry = byMachine.get(t.machineId) ?? { failures: 0, downMs: 0 };
    entry.failures++;
    entry.downMs += Math.max(0, Math.min(t.closedAt, to) - Math.max(t.createdAt, from));
    byMachine.set(t.machineId, entry);
  }
  return [...byMachine.entries()]
    .map(([machineId, e]) => ({
      machineId,
      failures: e.failures,
      mtbfHours: (to - from - e.downMs) / e.failures / 3_600_000,
      mttrHours: e.downMs / e.failures / 3_600_000,
    }))
    .sort((a, b) => a.machineId.localeCompare(b.machineId));
}
