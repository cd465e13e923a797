import { useMemo } from 'react';
import { useStore } from 'zustand';
import type { Machine } from '../../../common/telemetry';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { topPriorityByMachine } from '../state/alarms';
import { MachineTile } from './MachineTile';

/** Every machine as a tile, grouped by area; `area` limits it to one. */
export function MachineGrid({ area }: { area?: string }) {
  const { machines, live, alarms, preferences, conditions } = useServices();
  const byId = useStore(machines, (s) => s.byId);
  const loaded = useStore(machines, (s) => s.loaded);
  const alarmsById = useStore(alarms, (s) => s.byId);
  const conditionsById = useStore(conditions, (s) => s.byId);
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const areas = useMemo(() => groupByArea(Object.values(byId)).filter((a) => area === undefined || a.area === area), [byId, area]);
  const top = useMemo(() => topPriorityByMachine(alarmsById), [alarmsById]);

  if (areas.length === 0) return <p className="plant-empty">{loaded ? 'No machines have reported yet.' : 'Loading machines…'}</p>;
  return (
    <main className="plant-grid">
      {areas.map(({ area: name, machines: list }) => (
        <section key={name} className="area" data-testid="area" data-area={name}>
          <h2 className="area-name">
            <a href={routeHref({ view: 'area', area: name })} data-testid="area-link">
              {name}
            </a>{' '}
            <span className="area-count">{list.length} machines</span>
          </h2>
          <div className="tiles">
            {list.map((machine) => (
              <MachineTile key={machine.id} machine={machine} live={live} priority={top.get(machine.id)} utc={utc} condition={conditionsById[machine.id]} />
            ))}
          </div>
        </section>
      ))}
    </main>
  );
}

export function groupByArea(machines: Machine[]): { area: string; machines: Machine[] }[] {
  const areas = new Map<string, Machine[]>();
  for (const machine of machines) {
    const list = areas.get(machine.area);
    if (list) list.push(machine);
    else areas.set(machine.area, [machine]);
  }
  return [...areas]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([area, list]) => ({ area, machines: list.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)) }));
}
