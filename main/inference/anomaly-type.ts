/**
 * What kind of anomaly, from which sensors moved: the operator's first question is "what do I send
 * someone to look at". Sensors are grouped by name, since devices name their metrics freely.
 */
export const ANOMALY_TYPES = ['thermal', 'vibration_bearing', 'pressure_flow', 'electrical', 'sensor_fault', 'unclassified'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

const GROUPS: readonly [RegExp, AnomalyType][] = [
  [/temp|thermo|heat/i, 'thermal'],
  [/vib|accel|bearing/i, 'vibration_bearing'],
  [/press|flow|level/i, 'pressure_flow'],
  [/current|volt|power|amp|watt/i, 'electrical'],
];

export function sensorGroup(sensor: string): AnomalyType {
  return GROUPS.find(([re]) => re.test(sensor))?.[1] ?? 'unclassified';
}

export interface Contribution {
  sensor: string;
  /** |z| of the sensor's most deviating feature, in calibration standard deviations. */
  contribution: number;
}

/**
 * The k largest contributions, largest first, ties in sensor order: what a stable sort of all of
 * them would put first, without sorting (and allocating) every sensor of every reading.
 */
export function topContributions(sensors: readonly string[], contrib: ArrayLike<number>, offset: number, k: number): Contribution[] {
  // Ranks positions first and makes objects only for the winners: this runs for every reading.
  const best = rankScratch;
  let n = 0;
  for (let j = 0; j < sensors.length; j++) {
    const c = contrib[offset + j]!;
    let at = n;
    while (at > 0 && c > contrib[offset + best[at - 1]!]!) at--;
    if (at >= k) continue;
    for (let m = Math.min(n, k - 1); m > at; m--) best[m] = best[m - 1]!;
    best[at] = j;
    if (n < k) n++;
  }
  const top: Contribution[] = [];
  for (let i = 0; i < n; i++) top.push({ sensor: sensors[best[i]!]!, contribution: contrib[offset + best[i]!]! });
  return top;
}
const rankScratch: number[] = [];

/** One sensor this far out while every other stays this quiet is a broken sensor, not a broken process. */
const LONE_SPIKE = 25;
const QUIET = 1;

/**
 * `flat` lists sensors whose recent window is exactly constant although they moved during calibration:
 * a stuck transmitter reads "perfectly normal" for a level check, so it is named explicitly.
 */
export function classifyAnomaly(ranked: readonly Contribution[], flat: ReadonlySet<string>): AnomalyType {
  const top = ranked[0];
  if (!top) return 'unclassified';
  if (flat.has(top.sensor)) return 'sensor_fault';
  const second = ranked[1]?.contribution ?? 0;
  if (top.contribution >= LONE_SPIKE && second <= QUIET) return 'sensor_fault';
  return sensorGroup(top.sensor);
}
