/**
 * The machine's own condition monitor in words, one line per row of the condition panel. Learning,
 * missing and unknown outputs say so; none of them reads as "normal".
 */
import { LOAD_BANDS, type ConditionOutput } from '../../../common/contract-models';
import { formatHours, formatProbability, formatRul, healthBand, OPERATING_STATE_LABEL, type HealthBand } from '../plant/condition-view';

export interface Line {
  text: string;
  /** Hatched and bold: needs attention. */
  abnormal: boolean;
  /** Muted: no judgement (learning, no output, no trend). */
  unknown: boolean;
  /** Health rows only: the coloured band below 70. */
  band?: HealthBand;
}

const line = (text: string, flags: Partial<Omit<Line, 'text'>> = {}): Line => ({ text, abnormal: false, unknown: false, ...flags });
const words = (s: string) => s.replace(/_/g, ' ');

export function stateLine(c: ConditionOutput): Line {
  const state = OPERATING_STATE_LABEL[c.operatingState];
  if (c.operatingState === 'unknown') return line(state, { unknown: true });
  const band = c.band === null ? null : LOAD_BANDS[c.band];
  return line(c.operatingState === 'running' && band ? `${state}, load band ${band}` : state);
}

const SIGNAL_FROM: Record<NonNullable<ConditionOutput['stateSignalFrom']>, string> = {
  meta: 'named in the machine’s metadata',
  name: 'recognised by its name',
  data: 'found from the data',
};

export function signalLine(c: ConditionOutput): Line {
  if (c.stateSignal === null) return line('none found yet', { unknown: true });
  return line(c.stateSignalFrom ? `${c.stateSignal} (${SIGNAL_FROM[c.stateSignalFrom]})` : c.stateSignal);
}

export function phaseLine(c: ConditionOutput): Line {
  const l = c.learning;
  if (c.phase === 'learning') {
    const pct = l.hoursNeeded > 0 ? ` (${Math.min(99, Math.floor((l.hoursSeen / l.hoursNeeded) * 100))} %)` : '';
    return line(`learning: ${formatHours(l.hoursSeen)} of ${formatHours(l.hoursNeeded)} seen${pct}`, { unknown: true });
  }
  return line(`monitoring against its normal model${l.version > 0 ? ` v${l.version}` : ''}`);
}

/** Hours learned per load band, and whether each band is ready to be judged. */
export function bandsLine(c: ConditionOutput): Line {
  if (c.learning.bands.length === 0) return line('no band seen yet', { unknown: true });
  return line(c.learning.bands.map((b) => `${b.band} ${formatHours(b.hours)} ${b.ready ? 'ready' : 'not ready'}`).join(' · '));
}

/** Points per hour with a sign; two decimals below 1, so a slow decline does not read as 0. */
function signed(x: number): string {
  const text = x.toFixed(Math.abs(x) < 1 ? 2 : 1);
  if (Number(text) === 0) return text.replace('-', '');
  return x > 0 ? `+${text}` : text;
}

export function healthLine(c: ConditionOutput): Line {
  if (c.phase === 'learning') return line('no score while learning', { unknown: true });
  if (c.health === null) return line(c.detail ?? 'no score yet', { unknown: true });
  const trend = c.healthTrendPerHour === null ? 'no trend yet' : `trend ${signed(c.healthTrendPerHour)} per hour`;
  const band = healthBand(c.health);
  return line(`${Math.round(c.health)} of 100, ${trend}`, { band });
}

export function failureProbabilityLine(c: ConditionOutput): Line {
  if (c.failureProbability === null) return line(c.phase === 'learning' ? 'no estimate while learning' : (c.detail ?? 'no estimate'), { unknown: true });
  return line(`${formatProbability(c.failureProbability)} within ${formatHours(c.horizonHours)}`);
}

export function conditionRulLine(c: ConditionOutput): Line {
  if (c.rul) return line(formatRul(c.rul));
  if (c.phase === 'learning') return line('no estimate while learning', { unknown: true });
  return line(c.detail ?? 'no degradation trend', { unknown: true });
}

export function episodeLine(c: ConditionOutput, time: (ts: number) => string): Line {
  const a = c.anomaly;
  if (!a.active) return line(c.phase === 'learning' ? 'not judged while learning' : 'no active episode', { unknown: c.phase === 'learning' });
  const score = a.score === null ? '' : `: score ${a.score.toFixed(1)} × its limit`;
  const since = a.since === null ? '' : `, since ${time(a.since)}`;
  const top = a.contributors.slice(0, 3).map((x) => `${x.sensor} ${x.contribution.toFixed(1)}`).join(', ');
  return line(`ANOMALY, ${words(a.type ?? 'unclassified')}${score}${since}${top ? `; top sensors: ${top}` : ''}`, { abnormal: true });
}

/**
 * Closer watch the plant optimizer asked for; null when there is none (outputs stored before it have
 * no field). A watch of a shift often ends on the next day: its day is named when it is not the
 * output's own. While the machine learns, nothing is judged yet, so the lower thresholds wait for it.
 */
export function heightenedLine(c: ConditionOutput, time: (ts: number) => string, date?: (ts: number) => string): Line | null {
  const h = c.heightened;
  if (!h) return null;
  const day = date && date(h.until) !== date(c.ts) ? ` on ${date(h.until)}` : '';
  const waits = c.phase === 'learning' ? '; they take effect once its normal model is learned' : '';
  return line(`Heightened monitoring until ${time(h.until)}${day} (asked by the plant optimizer: ${h.reason}); anomaly thresholds at ${Math.round(h.factor * 100)} %${waits}`);
}

export function stuckLine(c: ConditionOutput): Line {
  return c.stuckSensors.length === 0 ? line('none') : line(`STUCK: ${c.stuckSensors.join(', ')}`, { abnormal: true });
}

export function commLine(c: ConditionOutput): Line {
  return c.communicationLost ? line('COMM LOST: silent longer than its reporting period allows', { abnormal: true }) : line('reporting');
}
