import type { KpiRow } from '../../../common/contract-agents';
import type { Machine } from '../../../common/telemetry';
import type { LiveSensor } from '../state/live-telemetry';

export interface PlantKpis {
  machines: { total: number; online: number; stale: number; offline: number };
  /** Sum of fresh `power` readings, kW; null when no machine reports a fresh one. */
  powerKw: number | null;
  /** Machines with a power sensor whose value is not fresh: the sum leaves them out. */
  powerUnknown: number;
  /** CO2 rate at the current power, kg/h. */
  co2KgPerH: number | null;
  /**
   * Good parts over all parts, from the cumulative parts_total / parts_rejected counters of the
   * machines that report both. That is OEE's quality factor only: availability and performance need
   * planned production time and ideal cycle times, which no machine reports yet.
   */
  quality: number | null;
  qualityMachines: number;
}

type SensorsOf = (machineId: string) => ReadonlyMap<string, LiveSensor> | undefined;

const fresh = (sensor: LiveSensor | undefined): number | null => (sensor && sensor.quality === 'good' && sensor.value !== null ? sensor.value : null);

/** What the overview can honestly say about the plant from the latest values it holds. */
export function plantKpis(machines: readonly Machine[], sensorsOf: SensorsOf, co2KgPerKwh: number): PlantKpis {
  const counts = { total: machines.length, online: 0, stale: 0, offline: 0 };
  let power = 0;
  let powerKnown = 0;
  let powerUnknown = 0;
  let parts = 0;
  let rejected = 0;
  let qualityMachines = 0;
  for (const machine of machines) {
    counts[machine.state]++;
    const sensors = sensorsOf(machine.id);
    if (machine.sensors['power'] || sensors?.has('power')) {
      const kw = machine.state === 'online' ? fresh(sensors?.get('power')) : null;
      if (kw === null) powerUnknown++;
      else {
        power += kw;
        powerKnown++;
      }
    }
    const total = fresh(sensors?.get('parts_total'));
    const bad = fresh(sensors?.get('parts_rejected'));
    if (machine.state === 'online' && total !== null && bad !== null && total > 0) {
      parts += total;
      rejected += bad;
      qualityMachines++;
    }
  }
  const powerKw = powerKnown > 0 ? power : null;
  return {
    machines: counts,
    powerKw,
    powerUnknown,
    co2KgPerH: powerKw === null ? null : powerKw * co2KgPerKwh,
    quality: qualityMachines > 0 ? Math.max(0, (parts - rejected) / parts) : null,
    qualityMachines,
  };
}

/** Today's OEE from the optimizer's hourly KPIs: the plant's row, or the mean over an area's machines. */
/**
 * Machine-hours of downtime in the rows: the plant's row for the plant, the sum of an area's
 * machines for an area. Null without rows for what was asked (no closed hour yet), never zero.
 */
export function downtimeOf(rows: readonly KpiRow[] | null, machineIds: ReadonlySet<string> | null): number | null {
  if (!rows) return null;
  const picked = rows.filter((r) => (machineIds === null ? r.machineId === null : r.machineId !== null && machineIds.has(r.machineId)));
  return picked.length === 0 ? null : picked.reduce((sum, r) => sum + r.downtimeH, 0);
}

export function oeeOf(rows: readonly KpiRow[] | null, machineIds: ReadonlySet<string> | null): number | null {
  if (!rows) return null;
  const plant = machineIds === null ? rows.find((r) => r.machineId === null && r.oee !== null) : undefined;
  if (plant) return plant.oee;
  const values = rows.filter((r) => r.machineId !== null && r.oee !== null && (machineIds === null || machineIds.has(r.machineId))).map((r) => r.oee!);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Energy reduction against the accepted baselines over the last day, in % (the CO2 reduction is the
 * same share at one emission factor); null when no machine has an accepted baseline yet.
 */
export function reductionPct(plant: { savedKwh: number; expectedKwh?: number | undefined } | null | undefined): number | null {
  if (!plant || !(plant.expectedKwh !== undefined && plant.expectedKwh > 0)) return null;
  return (plant.savedKwh / plant.expectedKwh) * 100;
}
