/** Hourly KPI records on disk: the agents' memory across restarts and the source of KPI trends. */
import type { MachineHour } from '../../../agents/model';
import type { Db } from '../../store/open-database';
import { prepared } from '../../store/prepared';
import type { EventMs } from '../../../common/time';

interface Row {
  machine_id: string;
  hour: number;
  observed_ms: number;
  run_ms: number;
  kwh: number;
  production: number;
  parts: number | null;
  rejected: number | null;
  avg_kw: number | null;
  vibration: number | null;
  temperature: number | null;
}

const toHour = (r: Row): MachineHour => ({
  machineId: r.machine_id,
  hour: r.hour,
  observedMs: r.observed_ms,
  runMs: r.run_ms,
  kwh: r.kwh,
  production: r.production,
  parts: r.parts,
  rejected: r.rejected,
  avgKw: r.avg_kw,
  vibration: r.vibration,
  temperature: r.temperature,
});

export function kpiStore(db: Db) {
  return {
    /** An hour seen again after a restart keeps whichever record covers more of it. */
    save(hours: readonly MachineHour[]): void {
      if (hours.length === 0) return;
      const stmt = prepared(
        db,
        `INSERT INTO kpi_hourly (machine_id, hour, observed_ms, run_ms, kwh, production, parts, rejected, avg_kw, vibration, temperature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (machine_id, hour) DO UPDATE SET observed_ms = excluded.observed_ms, run_ms = excluded.run_ms, kwh = excluded.kwh, production = excluded.production,
           parts = excluded.parts, rejected = excluded.rejected, avg_kw = excluded.avg_kw, vibration = excluded.vibration, temperature = excluded.temperature
         WHERE excluded.observed_ms >= kpi_hourly.observed_ms`,
      );
      db.transaction(() => {
        for (const h of hours) stmt.run([h.machineId, h.hour, h.observedMs, h.runMs, h.kwh, h.production, h.parts, h.rejected, h.avgKw, h.vibration, h.temperature]);
      })();
    },
    range(from: EventMs, to: EventMs, machineId?: string): MachineHour[] {
      return prepared<[Record<string, unknown>], Row>(db, 'SELECT * FROM kpi_hourly WHERE hour >= @from AND hour < @to AND (@machineId IS NULL OR machine_id = @machineId) ORDER BY hour, machine_id')
        .all({ from, to, machineId: machineId ?? null })
        .map(toHour);
    },
    latestHour(): number | null {
      return prepared<[], { h: number | null }>(db, 'SELECT MAX(hour) AS h FROM kpi_hourly').get()?.h ?? null;
    },
  };
}
export type KpiStore = ReturnType<typeof kpiStore>;
