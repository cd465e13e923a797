/** What the historian reports about itself, how its local backlog is counted, and when that is an alarm. */
import { MARKS_STREAM } from './historian-batch';
import type { HistorianConfig } from './historian-config';
import type { LocalOutbox } from './local-outbox';
import type { WallMs } from '../../common/time';

export type HistorianState = 'connecting' | 'ok' | 'failing' | 'schema_mismatch' | 'stopped';

export interface HistorianStatus {
  state: HistorianState;
  lastError: string | null;
  /** Rows (readings, rollups, quality marks, journal events) in the local store not yet in the historian; null before the first connection. */
  backlogRows: number | null;
  /** True when backlogRows stopped counting at its cap (the backlog is at least that). */
  backlogCapped: boolean;
  /** Event-time age of the oldest row waiting, seconds; 0 when caught up, null when not known. */
  backlogSeconds: number | null;
  /** When it was counted. */
  backlogAt: WallMs | null;
  forwardedValues: number;
  forwardedEvents: number;
  forwardedModelOutputs: number;
  /** Values marked Bad or Uncertain by their source. */
  forwardedMarks: number;
  /** Rows the database already had (a re-sent batch); they are not counted again. */
  duplicatesSkipped: number;
  timescale: boolean;
  /** When the current failure began; null while forwarding works. */
  failingSince: WallMs | null;
}

const BACKLOG_CAP_PER_KEY = 1_000_000;

export interface Backlog {
  rows: number;
  capped: boolean;
  /** Age of the oldest raw reading waiting, seconds; 0 when caught up. */
  seconds: number;
}

/** Counts what waits locally after the committed positions (position(stream, key)). */
export function countBacklog(outbox: LocalOutbox, config: HistorianConfig, position: (stream: string, key: string) => number, now: WallMs): Backlog {
  let rows = 0;
  let capped = false;
  let oldest = Infinity;
  if (config.readings === 'raw') {
    for (const machineId of outbox.machines()) {
      const after = position('raw', machineId);
      const n = outbox.rawCount(machineId, after, BACKLOG_CAP_PER_KEY);
      if (n === 0) continue;
      if (n >= BACKLOG_CAP_PER_KEY) capped = true;
      rows += n;
      oldest = Math.min(oldest, outbox.rawFirstAfter(machineId, after) ?? Infinity);
    }
  } else if (config.readings !== 'none') {
    const table = config.readings === '1m' ? 'rollup_1m' : 'rollup_1h';
    for (const machineId of outbox.rollupMachines(table)) {
      for (const sensor of outbox.rollupSensors(table, machineId)) {
        const n = outbox.rollupCount(table, machineId, sensor, position(table, JSON.stringify([machineId, sensor])), BACKLOG_CAP_PER_KEY);
        rows += n;
        if (n >= BACKLOG_CAP_PER_KEY) capped = true;
      }
    }
  }
  if (config.readings !== 'none') {
    const n = outbox.marksCount(Math.max(0, position(MARKS_STREAM, '')), BACKLOG_CAP_PER_KEY);
    rows += n;
    if (n >= BACKLOG_CAP_PER_KEY) capped = true;
  }
  if (config.alarms) rows += outbox.journalCount(Math.max(0, position('alarms', '')), BACKLOG_CAP_PER_KEY);
  return { rows, capped, seconds: oldest === Infinity ? 0 : Math.max(0, Math.round((now - oldest) / 1000)) };
}

/** Whether the backlog (or a failure that keeps it from draining) is something an operator must know. */
export function historianAlarm(status: HistorianStatus, config: Pick<HistorianConfig, 'backlogAlarmRows' | 'backlogAlarmSeconds'>, now: WallMs): string | null {
  if (status.state === 'schema_mismatch') return `Historian schema differs: ${status.lastError}`;
  if (status.backlogRows !== null && status.backlogRows > config.backlogAlarmRows) return `Historian backlog ${status.backlogRows}${status.backlogCapped ? '+' : ''} rows (limit ${config.backlogAlarmRows})`;
  if (status.backlogSeconds !== null && status.backlogSeconds > config.backlogAlarmSeconds) return `Historian backlog ${status.backlogSeconds} s behind (limit ${config.backlogAlarmSeconds} s)`;
  if (status.failingSince !== null && now - status.failingSince > config.backlogAlarmSeconds * 1000) return `Historian unreachable for ${Math.round((now - status.failingSince) / 1000)} s: ${status.lastError}`;
  return null;
}
