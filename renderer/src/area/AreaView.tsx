import { memo, useCallback, useMemo, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { AlarmPriority } from '../../../common/contract-alarms';
import type { Machine } from '../../../common/telemetry';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { formatNumber } from '../plant/eng-format';
import { KpiBar } from '../plant/KpiBar';
import { groupByArea } from '../plant/MachineGrid';
import { sensorViews } from '../plant/sensor-view';
import { PriorityMark } from '../shell/PriorityMark';
import { topPriorityByMachine } from '../state/alarms';
import type { LiveTelemetry } from '../state/live-telemetry';
import { AreaGraphic } from './AreaGraphic';

/**
 * Level 2: one area as a process graphic (machines in flow order with their connections), and below
 * it as a table, a machine per row and a sensor per column, for comparing like with like.
 */
export function AreaView({ area }: { area: string }) {
  const { machines, live, alarms } = useServices();
  const byId = useStore(machines, (s) => s.byId);
  const alarmsById = useStore(alarms, (s) => s.byId);
  const list = useMemo(() => groupByArea(Object.values(byId)).find((a) => a.area === area)?.machines ?? [], [byId, area]);
  const columns = useMemo(() => [...new Set(list.flatMap((m) => Object.keys(m.sensors)))].sort(), [list]);
  // One unit per column when the machines agree; otherwise each cell says its own, and no unit at all is said once, here.
  const units = useMemo(() => columnUnits(list, columns), [list, columns]);
  const top = useMemo(() => topPriorityByMachine(alarmsById), [alarmsById]);

  return (
    <main className="area-view" data-testid="area-view" data-area={area}>
      <h2 className="view-title">Area {area}</h2>
      <KpiBar area={area} />
      {list.length === 0 ? (
        <p className="plant-empty">No machine has reported in this area.</p>
      ) : (
        <>
          <AreaGraphic area={area} machines={list} />
          <div className="table-scroll">
          <table className="area-table">
            <thead>
              <tr>
                <th scope="col">Alarm</th>
                <th scope="col">Machine</th>
                <th scope="col">State</th>
                {columns.map((c) => (
                  <th key={c} scope="col" className="num" data-testid="area-column" data-sensor={c}>
                    {c}
                    <span className="column-unit">{units.get(c) === null ? ' (unit unknown)' : units.get(c) === undefined ? '' : ` (${units.get(c)})`}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.map((machine) => (
                <AreaRow key={machine.id} machine={machine} live={live} columns={columns} priority={top.get(machine.id)} mixedUnits={units} />
              ))}
            </tbody>
          </table>
          </div>
        </>
      )}
    </main>
  );
}

/** Per column: its one unit, null when no machine gives one, undefined when machines give different ones. */
export function columnUnits(machines: readonly Machine[], columns: readonly string[]): Map<string, string | null | undefined> {
  const out = new Map<string, string | null | undefined>();
  for (const c of columns) {
    const units = new Set(machines.filter((m) => c in m.sensors).map((m) => m.eng?.[c]?.unit ?? null));
    out.set(c, units.size === 1 ? [...units][0]! : units.size === 0 ? null : undefined);
  }
  return out;
}

const AreaRow = memo(function AreaRow({
  machine,
  live,
  columns,
  priority,
  mixedUnits,
}: {
  machine: Machine;
  live: LiveTelemetry;
  columns: string[];
  priority: AlarmPriority | undefined;
  mixedUnits: ReadonlyMap<string, string | null | undefined>;
}) {
  const subscribe = useCallback((listener: () => void) => live.subscribe(machine.id, listener), [live, machine.id]);
  useSyncExternalStore(subscribe, () => live.version(machine.id));
  const views = new Map(sensorViews(machine, live.sensorsOf(machine.id)).map((v) => [v.name, v]));
  return (
    <tr className={`machine-${machine.state}`} data-testid="area-row" data-machine-id={machine.id}>
      <td>{priority && <PriorityMark priority={priority} />}</td>
      <th scope="row">
        <a href={routeHref({ view: 'machine', machineId: machine.id })}>{machine.name}</a>
      </th>
      <td className="machine-state">{machine.state.toUpperCase()}</td>
      {columns.map((c) => {
        const view = views.get(c);
        const quality = view?.quality ?? 'stale';
        return (
          <td key={c} className={`num quality-${quality}`} data-sensor={c} data-quality={quality}>
            {view ? formatNumber(view.value, machine.eng?.[c]) : '—'}
            {view && mixedUnits.get(c) === undefined && machine.eng?.[c]?.unit && <span className="cell-unit"> {machine.eng[c].unit}</span>}
            {quality !== 'good' && <span className="sensor-quality"> {quality.toUpperCase()}</span>}
          </td>
        );
      })}
    </tr>
  );
});
