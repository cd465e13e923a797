/**
 * The runtime's events that go to the log beside the host's messages: each change of a system alarm
 * (broker, store, models, ingest, disk), and each audited contract call, which is every change an
 * operator or engineer makes (limits, users, settings, approvals), with who made it and how it ended.
 */
import type { Alarm } from '../../common/contract-alarms';
import type { AuditEntry, AuditSink } from '../audit/audit-port';
import type { AppLog } from './app-log';
import { redactSecrets } from './lifecycle-log';

/** A listener for AlarmService.onChange: logs a system alarm when it is raised, cleared or changes state, not on every value update. */
export function logSystemAlarms(log: AppLog): (changed: readonly Alarm[]) => void {
  const last = new Map<string, string>();
  return (changed) => {
    for (const a of changed) {
      if (a.source !== 'system') continue;
      const key = `${a.state}|${a.active}|${a.priority}`;
      if (last.get(a.id) === key) continue;
      last.set(a.id, key);
      const fields = { alarmId: a.id, machineId: a.machineId, state: a.state, active: a.active, priority: a.priority, alarmMessage: a.message };
      if (a.active) log.warn('system-alarm', fields, `system alarm ${a.id} ${a.state}: ${a.message}`);
      else log.info('system-alarm', fields, `system alarm ${a.id} ${a.state} (cleared): ${a.message}`);
    }
  };
}

/** Request details longer than this are cut in the log; the audit log keeps them whole. */
const MAX_DETAIL_CHARS = 4000;

/**
 * The router's audit sink, logging each entry once the audit log has it: call, target, outcome, user
 * and the request, with passwords, keys and tokens redacted.
 */
export function loggedAudit(audit: AuditSink, log: AppLog): AuditSink {
  return {
    append(entry: AuditEntry) {
      audit.append(entry);
      const detail = JSON.stringify(redactSecrets(entry.detail)) ?? '{}';
      const fields = { action: entry.action, target: entry.target, outcome: entry.outcome, username: entry.username, detail: detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS)}…` : JSON.parse(detail) };
      if (entry.outcome === 'ok') log.info('audit', fields, `${entry.username ?? 'anonymous'}: ${entry.action}${entry.target ? ` ${entry.target}` : ''}`);
      else log.warn('audit', fields, `${entry.username ?? 'anonymous'}: ${entry.action}${entry.target ? ` ${entry.target}` : ''} refused or failed (${entry.outcome})`);
    },
  };
}
