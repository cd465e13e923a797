import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type ComponentProps, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { useStore } from 'zustand';
import type { Machine } from '../../../common/telemetry';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { topPriorityByMachine } from '../state/alarms';
import type { ConditionsStore } from '../state/conditions';
import type { LimitsStore } from '../state/limits';
import type { MachinesStore } from '../state/machines';
import { MachineTile } from './MachineTile';
import { chooseTileLayout, tileBands, tilePlaces, type TileLayout, type TilePlace } from './tile-layout';
import { GraphSurface, GraphSurfaceContext } from './graph-surface';
import { observeBox } from '../shell/observe-box';
import { TilePacer } from './tile-pacer';
import type { LiveTelemetry } from '../state/live-telemetry';
import type { MonoMs } from '../../../common/time';

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
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const areas = useMemo(() => groupByArea(Object.values(byId)).filter((a) => area === undefined || a.area === area), [byId, area]);
  const top = useMemo(() => topPriorityByMachine(alarmsById), [alarmsById]);
  const pacer = usePacer(live);
  useEffect(() => {
    const touch = (now: Readonly<Record<string, unknown>>, before: Readonly<Record<string, unknown>>) => {
      if (now === before) return;
      const changed = new Set<string>();
      for (const id of Object.keys(now)) if (now[id] !== before[id]) changed.add(id);
      for (const id of Object.keys(before)) if (!(id in now)) changed.add(id);
      pacer.touch(changed);
    };
    const offMachines = machines.subscribe((state, previous) => touch(state.byId, previous.byId));
    const offConditions = conditions.subscribe((state, previous) => touch(state.byId, previous.byId));
    const offLimits = limits.subscribe((state, previous) => touch(state.byId, previous.byId));
    return () => {
      offMachines();
      offConditions();
      offLimits();
    };
  }, [pacer, machines, conditions, limits]);
  const box = useBox(areas.length > 0);
  const cells = areas.reduce((n, a) => n + a.machines.length + 1, 0);
  const { width, height, basePx } = box.size;
  const { layout, bands } = useMemo(() => {
    if (!(width > 0 && height > 0)) return { layout: null, bands: [] };
    const fitted = chooseTileLayout(cells, width, height, basePx);
    return { layout: fitted, bands: tileBands(tilePlaces(cells, fitted, width), fitted.columns, width) };
  }, [cells, width, height, basePx]);
  const placeOf = (i: number) => {
    const band = bands.find((b) => i >= b.first && i < b.first + b.count);
    return band?.places[i - band.first];
  };
  const order = useMemo(() => areas.flatMap((a) => a.machines.map((m) => m.id)), [areas]);
  useEffect(() => pacer.setOrder(order), [pacer, order]);
  let cell = 0;

  if (areas.length === 0) return <p className="plant-empty">{loaded ? (area === undefined ? 'No machines have reported yet.' : `No machine in area ${area}.`) : 'Loading machines…'}</p>;
  const elements = areas.flatMap(({ area: name, machines: list }) => [
    <div key={`area:${name}`} className="area-cell" data-testid="area" data-area={name} title={`${name}: ${list.length} machines`} style={placeOf(cell++)}>
      <a href={routeHref({ view: 'area', area: name })} data-testid="area-link">
        {name}
      </a>
      <span className="area-count">{list.length}</span>
    </div>,
    ...list.map((machine) => (
      <PacedTile
        key={machine.id}
        machineId={machine.id}
        machines={machines}
        conditions={conditions}
        limits={limits}
        live={live}
        priority={top.get(machine.id)}
        utc={utc}
        density={layout?.density ?? 'full'}
        metrics={layout?.metrics ?? Infinity}
        place={placeOf(cell++)}
        updates={pacer}
      />
    )),
  ]);
  return (
    <main className="plant-grid" data-testid="plant-grid" data-density={layout?.density ?? 'full'} data-fits={layout ? String(layout.fits) : undefined}>
      <div className={`tiles${layout ? ` tiles-fitted tiles-${layout.density}` : ''}`} ref={box.ref} style={layout ? fittedStyle(layout) : undefined}>
        {layout
          ? bands.map((band, i) => (
              <Band key={`band:${i}`} place={band.place}>
                {elements.slice(band.first, band.first + band.count)}
              </Band>
            ))
          : elements}
      </div>
    </main>
  );
}

/**
 * A row band: its cells, and one canvas over them that their tiles draw their bars and sparklines
 * into (GraphSurface). The canvas lets clicks and hovers through to the tiles under it.
 */
function Band({ place, children }: { place: TilePlace; children: ReactNode }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const surface = useMemo(() => new GraphSurface(() => canvas.current), []);
  useLayoutEffect(() => surface.resize(place.width, place.height, window.devicePixelRatio || 1), [surface, place.width, place.height]);
  return (
    <div className="tile-band" style={place}>
      <GraphSurfaceContext.Provider value={surface}>{children}</GraphSurfaceContext.Provider>
      <canvas ref={canvas} className="band-graphs" aria-hidden="true" style={{ width: place.width, height: place.height }} />
    </div>
  );
}

/** The cells carry their own places (tilePlaces); the box gives them their font. */
const fittedStyle = (layout: TileLayout) => ({ fontSize: `${layout.fontPx}px` });

type PacedTileProps = Omit<ComponentProps<typeof MachineTile>, 'machine' | 'condition' | 'limits' | 'updates'> & {
  machineId: string;
  machines: MachinesStore;
  conditions: ConditionsStore;
  limits: LimitsStore;
  updates: TilePacer;
};

/**
 * A tile that takes its machine (state, sensors' quality), condition summary and alarm limits when
 * the pacer lets it redraw: a machine list reloaded after a lost link, or a poll, changes 500 of
 * them at once and would otherwise redraw 500 tiles in one task.
 */
const PacedTile = memo(function PacedTile({ machineId: id, machines, conditions, limits, updates, ...tile }: PacedTileProps) {
  const subscribe = useCallback((listener: () => void) => updates.subscribe(id, listener), [updates, id]);
  const machine = useSyncExternalStore(subscribe, () => machines.getState().byId[id]);
  const condition = useSyncExternalStore(subscribe, () => conditions.getState().byId[id]);
  const sensorLimits = useSyncExternalStore(subscribe, () => limits.getState().byId[id]);
  // the grid drops the tile of a removed machine in the same render as the store
  if (!machine) return null;
  return <MachineTile {...tile} machine={machine} condition={condition} limits={sensorLimits} updates={updates} />;
});

/** Script time per frame for redrawing tiles: with the browser's own layout and paint of those tiles the frame stays within 16 ms. */
const TILE_BUDGET_MS = 4;
/**
 * Tiles drawn per frame against tiles changing per frame: readings come in a few batches a second,
 * and drawing each batch as fast as the budget allows left a few heavy frames between idle ones.
 */
const TILE_HEADROOM = 1.25;

/** One pacer for the grid's tiles while it is shown. */
function usePacer(live: LiveTelemetry) {
  const pacer = useMemo(
    () => new TilePacer(live, { frame: (draw) => live.nextFrame(draw), now: () => performance.now() as MonoMs, budgetMs: TILE_BUDGET_MS, headroom: TILE_HEADROOM, render: flushSync }),
    [live],
  );
  useEffect(() => () => pacer.stop(), [pacer]);
  return pacer;
}

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
