import type { Machine, MachineState } from '../../../common/telemetry';
import type { LiveSensor, Quality } from '../state/live-telemetry';

// A value its source marked Bad outranks a merely old one: it is known to be wrong.
const RANK: Record<Quality, number> = { good: 0, uncertain: 1, stale: 2, bad: 3, offline: 4 };
const MACHINE_QUALITY: Record<MachineState, Quality> = { online: 'good', stale: 'stale', offline: 'offline' };

export interface SensorView {
  name: string;
  value: number | null;
  quality: Quality;
}

/**
 * What a tile shows per sensor. The worse of the sensor's and the machine's quality wins, and a
 * missing value is never 'good': when in doubt the screen says stale rather than current.
 */
export function sensorViews(machine: Machine, live: ReadonlyMap<string, LiveSensor> | undefined): SensorView[] {
  const names = new Set([...Object.keys(machine.sensors), ...(live?.keys() ?? [])]);
  return [...names].sort().map((name) => {
    const sensor = live?.get(name);
    let quality = worse(sensor?.quality ?? 'stale', MACHINE_QUALITY[machine.state]);
    const value = sensor?.value ?? null;
    // a missing value is never good; an Uncertain one without a number stays Uncertain
    if (value === null && quality === 'good') quality = 'stale';
    return { name, value, quality };
  });
}

export const worse = (a: Quality, b: Quality): Quality => (RANK[a] >= RANK[b] ? a : b);
