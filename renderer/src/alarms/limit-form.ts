import { LIMIT_LEVELS, type AlarmPriority, type LimitLevel, type LimitSetting } from '../../../common/contract-alarms';

/** One limit row as typed into the editor: numbers stay text until saved, delays in s, re-alarm in min. */
export interface LimitDraft {
  sensor: string;
  level: LimitLevel;
  setpoint: string;
  deadband: string;
  onDelayS: string;
  offDelayS: string;
  reAlarmMin: string;
  priority: AlarmPriority;
  latching: boolean;
  enabled: boolean;
}

export const limitKey = (row: { sensor: string; level: LimitLevel }) => `${row.sensor}:${row.level}`;

export function toDraft(limit: LimitSetting): LimitDraft {
  return {
    sensor: limit.sensor,
    level: limit.level,
    setpoint: String(limit.setpoint),
    deadband: String(limit.deadband),
    onDelayS: String(limit.onDelayMs / 1000),
    offDelayS: String(limit.offDelayMs / 1000),
    reAlarmMin: String(limit.reAlarmMs / 60_000),
    priority: limit.priority,
    latching: limit.latching,
    enabled: limit.enabled,
  };
}

const MAX_DELAY_MS = 3_600_000;
const MAX_REALARM_MS = 7 * 86_400_000;
/** Low to high: the order the setpoints of one sensor must keep. */
const ASCENDING: readonly LimitLevel[] = [...LIMIT_LEVELS].reverse();

const number = (text: string): number | null => {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
};

export type LimitErrors = Record<string, string>;

/**
 * Checks the rows as the alarm engine needs them: every number valid, deadband ≥ 0, and for each
 * sensor the enabled setpoints in order LL < L < H < HH (otherwise a high alarm could sit below a
 * low one and both be active at once). Errors are keyed by limitKey.
 */
export function checkLimits(drafts: readonly LimitDraft[]): { settings: LimitSetting[]; errors: LimitErrors } {
  const errors: LimitErrors = {};
  const settings: LimitSetting[] = [];
  for (const d of drafts) {
    const key = limitKey(d);
    const setpoint = number(d.setpoint);
    const deadband = number(d.deadband);
    const onDelay = number(d.onDelayS);
    const offDelay = number(d.offDelayS);
    const reAlarm = number(d.reAlarmMin);
    if (setpoint === null) errors[key] = 'Setpoint must be a number.';
    else if (deadband === null || deadband < 0) errors[key] = 'Deadband must be a number ≥ 0.';
    else if (onDelay === null || onDelay < 0 || onDelay * 1000 > MAX_DELAY_MS) errors[key] = 'On-delay must be 0 to 3600 s.';
    else if (offDelay === null || offDelay < 0 || offDelay * 1000 > MAX_DELAY_MS) errors[key] = 'Off-delay must be 0 to 3600 s.';
    else if (reAlarm === null || reAlarm < 0 || reAlarm * 60_000 > MAX_REALARM_MS) errors[key] = 'Re-alarm must be 0 to 10080 min.';
    else
      settings.push({
        sensor: d.sensor,
        level: d.level,
        setpoint,
        deadband,
        onDelayMs: Math.round(onDelay * 1000),
        offDelayMs: Math.round(offDelay * 1000),
        reAlarmMs: Math.round(reAlarm * 60_000),
        priority: d.priority,
        latching: d.latching,
        enabled: d.enabled,
      });
  }
  const bySensor = new Map<string, LimitSetting[]>();
  for (const s of settings) if (s.enabled) bySensor.set(s.sensor, [...(bySensor.get(s.sensor) ?? []), s]);
  for (const rows of bySensor.values()) {
    const ordered = [...rows].sort((a, b) => ASCENDING.indexOf(a.level) - ASCENDING.indexOf(b.level));
    for (let i = 1; i < ordered.length; i++) {
      const below = ordered[i - 1]!;
      const above = ordered[i]!;
      if (above.setpoint <= below.setpoint) errors[limitKey(above)] ??= `${above.level} (${above.setpoint}) must be above ${below.level} (${below.setpoint}).`;
    }
  }
  return { settings, errors };
}
