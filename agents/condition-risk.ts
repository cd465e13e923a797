/**
 * The agents' own failure-risk signal, used while no prediction model speaks for a machine: its
 * latest hourly vibration and temperature against what its own history says they should be at the
 * power it drew. Vibration and heat both follow load, so comparing with the plain average would
 * flag every shift change; a line fitted on power takes the load out. The line is fitted on the
 * oldest day of the history and never on the last hours, or a slowly growing fault would become its
 * own reference and hide itself. Bearing wear shows first as
 * vibration growth (ISO 10816 zones are about 1.6x apart), overheating as heat above the usual.
 * It is deliberately coarse and says so: rulHours is null, so procurement treats it as urgent.
 */
import type { MachineHour, Prediction, RiskLevel } from './model';
import { Moments } from '../common/moments';

/** Hours of history needed before a machine's own baseline means anything. */
export const MIN_BASELINE_HOURS = 6;
/** The most recent hours never count towards the reference. */
const RECENT_HOURS = 6;
const REFERENCE_HOURS = 24;

const VIBRATION_MEDIUM = 1.6;
const VIBRATION_HIGH = 2.5;
/** Temperature above the usual level, in the readings' unit (°C). */
const TEMPERATURE_MEDIUM = 8;
const TEMPERATURE_HIGH = 15;

/** Expected value of `y` at the latest hour's power, from a least-squares line over `before`. */
function expected(before: readonly MachineHour[], latest: MachineHour, y: (h: MachineHour) => number | null): number | null {
  const m = new Moments();
  for (const h of before) {
    const v = y(h);
    if (v !== null) m.add(h.avgKw ?? 0, v);
  }
  if (m.n < MIN_BASELINE_HOURS) return null;
  return m.at(latest.avgKw ?? m.meanX, 1e-9);
}

const level = (x: number | null, medium: number, high: number): RiskLevel => (x === null ? 'low' : x >= high ? 'high' : x >= medium ? 'medium' : 'low');
const score = (x: number | null, zero: number, high: number) => (x === null ? 0 : Math.min(1, Math.max(0, (x - zero) / (high - zero))));

/** Risk of the latest hour in `history` (oldest first) against its reference hours; null while there are too few. */
export function conditionRisk(history: readonly MachineHour[]): Prediction | null {
  const latest = history[history.length - 1];
  if (!latest) return null;
  const before = history.slice(0, Math.min(REFERENCE_HOURS, history.length - RECENT_HOURS));
  const vibExpected = expected(before, latest, (h) => h.vibration);
  const tempExpected = expected(before, latest, (h) => h.temperature);
  if (vibExpected === null && tempExpected === null) return null;
  const vibRatio = vibExpected !== null && vibExpected > 0 && latest.vibration !== null ? latest.vibration / vibExpected : null;
  const tempRise = tempExpected !== null && latest.temperature !== null ? latest.temperature - tempExpected : null;
  const vibScore = score(vibRatio, 1, VIBRATION_HIGH);
  const tempScore = score(tempRise, 0, TEMPERATURE_HIGH);
  const byVibration = vibScore >= tempScore;
  return {
    machineId: latest.machineId,
    ts: latest.hour + 3_600_000,
    failureProbability: Math.round(Math.max(vibScore, tempScore) * 100) / 100,
    failureType: byVibration ? 'bearing_wear' : 'overheating',
    rulHours: null,
    riskLevel: byVibration ? level(vibRatio, VIBRATION_MEDIUM, VIBRATION_HIGH) : level(tempRise, TEMPERATURE_MEDIUM, TEMPERATURE_HIGH),
    source: 'heuristic',
  };
}
