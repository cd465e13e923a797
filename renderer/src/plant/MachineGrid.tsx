import { useMemo } from 'react';
import { useStore } from 'zustand';
import type { Machine } from '../../../common/telemetry';
import { useServices } from '../app/services-context';
import { MachineTile } from './MachineTile';

export function MachineGrid() {
  const { machines, live } = useServices();
  const byId = useStore(machines, (s) => s.byId);
  const loaded = useStore(machines, (s) => s.loaded);
  const areas = useMemo(() => groupByArea(Object.values(byId)), [byId]);

  if (areas.length === 0) return <p className="plant-empty">{loaded ? 'No machines have reported yet.' : 'Loading machines…'}</p>;
  return (
    <main className="plant-grid">
      {areas.map(({ area, machines: list }) => (
        <section key={area} className="area" data-testid="area" data-area={area}>
          <h2 className="area-name">{area}</h2>
          <div className="tiles">
            {list.map((machine) => (
              <MachineTile key={machine.id} machine={machine} live={live} />
            ))}
          </div>
        </section>
      ))}
    </main>
  );
}

function groupByArea(machines: Machine[]): { area: string; machines: Machine[] }[] {
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
