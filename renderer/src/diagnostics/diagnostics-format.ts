/** Formatting and the abnormal checks of the diagnostics screen, apart from React so they are tested alone. */
import type { CallStatsRow, DiagnosticsSnapshot, DiagnosticsThresholds } from '../../../common/contract-diagnostics';

export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 || v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export const formatRate = (perSecond: number) => (perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(1));
export const formatShare = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;

/** Whether a call's row breaches a warning limit (judged, as the alarm is, only once made often enough). */
export function callAbnormal(row: CallStatsRow, t: DiagnosticsThresholds): boolean {
  if (row.count < t.minCalls) return false;
  return row.errorRate > t.contractErrorRate.raise || (row.p99Ms ?? 0) > t.contractLatencyMs.raise;
}

/** The disk is low below the disk alarm's limit (10 % free). */
export const DISK_LOW = 0.1;

/** What on the screen is abnormal, one line each, for the summary at its top; empty when all is normal. */
export function problems(s: DiagnosticsSnapshot): string[] {
  const out: string[] = [];
  if (s.broker.state !== 'connected') out.push(`Broker ${s.broker.state}`);
  for (const f of s.fieldSources) if (f.state === 'lost') out.push(`${f.protocol === 'modbus' ? 'Modbus' : 'OPC UA'} ${f.name} lost`);
  if (s.historian?.alarm) out.push(`Historian: ${s.historian.alarm}`);
  if (s.store.lastError) out.push(`Store: ${s.store.lastError}`);
  if (s.backup.last && !s.backup.last.ok) out.push('Last backup failed');
  if (s.models.state !== 'ok') out.push(`Models ${s.models.state.replace('_', ' ')}`);
  if (s.models.inference.failures > 0) out.push(`${s.models.inference.failures} scoring runs failed`);
  const calls = s.calls.rows.filter((r) => callAbnormal(r, s.alerts.thresholds)).length;
  if (calls > 0) out.push(`${calls} contract ${calls === 1 ? 'call' : 'calls'} over limit`);
  for (const a of s.agents.list) if (a.consecutiveFailures > 0 || a.suspendedUntil !== null) out.push(`Agent ${a.name} ${a.suspendedUntil !== null ? 'suspended' : 'failing'}`);
  if (s.disk && s.disk.freeRatio < DISK_LOW) out.push(`Disk ${formatShare(1 - s.disk.freeRatio)} full`);
  return out;
}
