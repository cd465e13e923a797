/** One row of the audit log. Writers must commit it durably before the call's result is returned. */
export interface AuditEntry {
  at: number;
  userId: number | null;
  username: string | null;
  action: string;
  target: string | null;
  outcome: string;
  detail: Record<string, unknown>;
}
export interface AuditSink {
  append(entry: AuditEntry): void;
}
