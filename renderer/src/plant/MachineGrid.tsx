import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { Machine } from '../../../common/telemetry';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { topPriorityByMachine } from '../state/alarms';
import { MachineTile } from './MachineTile';
import { chooseTileLayout, type TileLayout } from './tile-layout';
import { observeBox } from '../shell/observe-box';

interface Box {
  width: number;
  height: number;
  basePx: number;
}

/**
 * Every machine as a tile, grouped by area (a header cell opens each area); `area` limits it to one.
 * The grid fills the box it is given and never scrolls: the tile density and font follow the box
 * and the machine count (tile-layout.ts).
 */
export function MachineGrid({ area }: { area?: string }) {
  const { machines, live, alarms, preferences, conditions, limits } = useServices();
  const byId = useStore(machines, (s) => s.byId);
  const loaded = useStore(machines, (s) => s.loaded);
  const alarmsById = useStore(alarms, (s) => s.byId);
  const conditionsById = useStore(conditions, (s) => s.byId);
  const limitsById = useStore(limits, (s) => s.byId);
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const areas = useMemo(() => groupByArea(Object.values(byId)).filter((a) => area === undefined || a.area === area), [byId, area]);
  const top = useMemo(() => topPriorityByMachine(alarmsById), [alarmsById]);
  const box = useBox(areas.length > 0);
  const cells = areas.reduce((n, a) => n + a.machines.length + 1, 0);
  const layout = box.size.width > 0 && box.size.height > 0 ? chooseTileLayout(cells, box.size.width, box.size.height, box.size.basePx) : null;

  if (areas.length === 0) return <p className="plant-empty">{loaded ? (area === undefined ? 'No machines have reported yet.' : `No machine in area ${area}.`) : 'Loading machines…'}</p>;
  return (
    <main className="plant-grid" data-testid="plant-grid" data-density={layout?.density ?? 'full'} data-fits={layout ? String(layout.fits) : undefined}>
      <div className={`tiles${layout ? ` tiles-${layout.density}` : ''}`} ref={box.ref} style={layout ? gridStyle(layout) : undefined}>
        {areas.map(({ area: name, machines: list }) => [
          <div key={`area:${name}`} className="area-cell" data-testid="area" data-area={name} title={`${name}: ${list.length} machines`}>
            <a href={routeHref({ view: 'area', area: name })} data-testid="area-link">
              {name}
            </a>
            <span className="area-count">{list.length}</span>
          </div>,
          ...list.map((machine) => (
            <MachineTile
              key={machine.id}
              machine={machine}
              live={live}
              priority={top.get(machine.id)}
              utc={utc}
              condition={conditionsById[machine.id]}
              limits={limitsById[machine.id]}
              density={layout?.density ?? 'full'}
              metrics={layout?.metrics ?? Infinity}
            />
          )),
        ])}
      </div>
    </main>
  );
}

const gridStyle = (layout: TileLayout) => ({
  fontSize: `${layout.fontPx}px`,
  gridTemplateColumns: `repeat(${layout.columns}, minmax(0, 1fr))`,
  gridAutoRows: `${layout.rowPx}px`,
  gap: `${0.3 * layout.fontPx}px`,
});

/** The grid box's size and the screen's font, kept current through resizes and scale changes. */
function useBox(mounted: boolean) {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<Box>({ width: 0, height: 0, basePx: 0 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!mounted || !element || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const basePx = parseFloat(getComputedStyle(document.documentElement).fontSize) || 14;
      const next = { width: element.clientWidth, height: element.clientHeight, basePx };
      setSize((prev) => (prev.width === next.width && prev.height === next.height && prev.basePx === next.basePx ? prev : next));
    };
    measure();
    return observeBox(element, measure);
  }, [mounted]);
  return { ref, size };
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
