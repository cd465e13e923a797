import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent, type PointerEvent } from 'react';
import { useStore } from 'zustand';
import type { AlarmPriority } from '../../../common/contract-alarms';
import type { AreaLayout, StoredAreaLayout } from '../../../common/contract-area';
import type { ConditionSummary } from '../../../common/contract-models';
import type { Machine } from '../../../common/telemetry';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { useTimeFormat } from '../app/time-format';
import { useAllowed } from '../app/use-allowed';
import { OPERATING_STATE_LABEL } from '../plant/condition-view';
import { formatNumber } from '../plant/eng-format';
import { barGeometry, keyMetrics, type SensorLimits } from '../plant/key-metrics';
import { sensorViews } from '../plant/sensor-view';
import { PriorityMark } from '../shell/PriorityMark';
import { topPriorityByMachine } from '../state/alarms';
import type { LiveTelemetry } from '../state/live-telemetry';
import { boxShare, drawingRoom, fitToScreen, placeFree, rebase } from './area-fit';
import { automaticLayout, boxGap, boxGeometry, linkPath, moveNode, resolveLayout, toFractions, toPixels, toggleLink, type BoxGeometry } from './area-layout';
import './area-graphic.css';
import { FormError } from '../shell/FormError';
import { observeBox } from '../shell/observe-box';

/** Key values per machine box: enough to see the process, few enough to read at a glance. */
const KEY_VALUES = 3;
/** Arrow keys move a focused box this far (Shift: five times as far). */
const KEY_STEP = 0.02;

interface Drag {
  machineId: string;
  pointerId: number;
  /** Where in the box the pointer took hold. */
  dx: number;
  dy: number;
}

/**
 * Level 2: an area as a process graphic in ISA-101 grey. Each machine is a box in flow order with
 * its state, worst alarm and key values; arrows show which machine feeds which. An engineer
 * arranges it (drag to place, connect, save); the layout is kept per area by the host and audited.
 */
export function AreaGraphic({ area, machines: list }: { area: string; machines: readonly Machine[] }) {
  const { call, live, alarms, conditions, limits } = useServices();
  const time = useTimeFormat();
  const alarmsById = useStore(alarms, (s) => s.byId);
  const conditionsById = useStore(conditions, (s) => s.byId);
  const limitsById = useStore(limits, (s) => s.byId);
  const top = useMemo(() => topPriorityByMachine(alarmsById), [alarmsById]);
  const canArrange = useAllowed('areas.layout.set');

  const [stored, setStored] = useState<StoredAreaLayout | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<AreaLayout | null>(null);
  const [connectFrom, setConnectFrom] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const drag = useRef<Drag | null>(null);
  const { ref, size, room } = useDrawingSize();

  useEffect(() => {
    let current = true;
    setStored(null);
    setDraft(null);
    setLoadError(null);
    call('areas.layout.get', { area }).then(
      (s) => current && setStored(s),
      (e: Error) => current && setLoadError(e.message),
    );
    return () => {
      current = false;
    };
  }, [call, area]);

  // While arranging, Escape drops a half-made connection and never leaves the screen (the shell
  // would go up a level and lose the unsaved layout); Cancel is the way out.
  const arranging = draft !== null;
  useEffect(() => {
    if (!arranging) return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' && event.key !== 'Backspace') return;
      if ((event.target as HTMLElement | null)?.closest('input, select, textarea')) return;
      event.stopPropagation();
      event.preventDefault();
      setConnectFrom(null);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [arranging]);

  const ids = useMemo(() => list.map((m) => m.id), [list]);
  const byMachine = useMemo(() => new Map(list.map((m) => [m.id, m])), [list]);
  const aspect = size.width > 0 && size.height > 0 ? size.width / size.height : 3;
  const resolved = useMemo(() => resolveLayout(ids, stored?.layout ?? null, aspect), [ids, stored, aspect]);
  const box = useMemo(() => boxGeometry(ids.length, size.width, size.height, size.screenFontPx), [ids.length, size]);
  const gap = boxGap(box);
  // The saved layout scaled from the box it was arranged with to this screen's, no box over another.
  const fitted = useMemo(() => fitToScreen(resolved, stored?.layout ?? null, ids, size, box, gap), [resolved, stored, ids, size, box, gap]);
  const shown: AreaLayout = draft ? rebase(draft, ids.length, size, box) : { nodes: fitted.nodes, links: resolved.links };
  const pixels = new Map(shown.nodes.map((n) => [n.machineId, toPixels(n, size, box)]));
  const editing = arranging;

  const startEditing = () => {
    setDraft({ nodes: fitted.nodes, links: resolved.links, box: boxShare(box, size) });
    setSaveError(null);
  };
  const stopEditing = () => {
    setDraft(null);
    setConnectFrom(null);
  };
  const save = async () => {
    if (!draft) return;
    setSaving(true);
    try {
      setStored(await call('areas.layout.set', { area, layout: draft }));
      setSaveError(null);
      stopEditing();
    } catch (e) {
      setSaveError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };
  const toAutomatic = () => setDraft({ ...automaticLayout(ids, aspect), box: boxShare(box, size) });
  // Edits are made in this screen's fractions, on the draft carried over to this screen's box.
  const edit = (change: (layout: AreaLayout) => AreaLayout) => setDraft((layout) => (layout ? change(rebase(layout, ids.length, size, box)) : layout));
  const connect = (machineId: string) => {
    if (connectFrom === null) setConnectFrom(machineId);
    else {
      setDraft((d) => (d ? toggleLink(d, connectFrom, machineId) : d));
      setConnectFrom(null);
    }
  };

  const onPointerDown = (machineId: string, e: PointerEvent<HTMLElement>) => {
    if (!editing || e.button !== 0 || (e.target as HTMLElement).closest('button')) return;
    const at = pixels.get(machineId);
    const origin = ref.current?.getBoundingClientRect();
    if (!at || !origin) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture?.(e.pointerId);
    drag.current = { machineId, pointerId: e.pointerId, dx: e.clientX - origin.left - at.left, dy: e.clientY - origin.top - at.top };
  };
  const onPointerMove = (e: PointerEvent<HTMLElement>) => {
    const d = drag.current;
    const origin = ref.current?.getBoundingClientRect();
    if (!d || d.pointerId !== e.pointerId || !origin) return;
    const { x, y } = toFractions(e.clientX - origin.left - d.dx, e.clientY - origin.top - d.dy, size, box);
    edit((layout) => moveNode(layout, d.machineId, x, y));
  };
  // A box dropped over another moves to the nearest free place: no box ever hides one.
  const onPointerUp = (e: PointerEvent<HTMLElement>) => {
    const d = drag.current;
    if (d?.pointerId !== e.pointerId) return;
    drag.current = null;
    edit((layout) => placeFree(layout, d.machineId, size, box, gap));
  };
  const onKeyDown = (machineId: string, e: KeyboardEvent<HTMLElement>) => {
    const step = e.shiftKey ? KEY_STEP * 5 : KEY_STEP;
    const move = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
    if (!editing || !move) return;
    e.preventDefault();
    edit((layout) => {
      const node = layout.nodes.find((n) => n.machineId === machineId);
      return node ? placeFree(moveNode(layout, machineId, node.x + move[0]!, node.y + move[1]!), machineId, size, box, gap) : layout;
    });
  };

  const notes: string[] = [];
  if (loadError) notes.push(`The area's layout could not be loaded (${loadError}); the automatic arrangement is shown.`);
  if (stored?.problem) notes.push(stored.problem);
  if (!editing && fitted.crowded) notes.push("The saved layout has no room for every machine at this screen's box size without one over another; the automatic arrangement is shown.");
  if (!editing && resolved.missing.length > 0)
    notes.push(`The saved layout places machines this area no longer has (${resolved.missing.join(', ')}); they are left out, and saving the layout drops them.`);
  if (!editing && !fitted.crowded && resolved.added.length > 0 && stored?.layout) notes.push(`Not in the saved layout yet, placed along the bottom: ${resolved.added.map((id) => byMachine.get(id)?.name ?? id).join(', ')}.`);
  const connectName = connectFrom === null ? null : (byMachine.get(connectFrom)?.name ?? connectFrom);

  return (
    <section className={`area-graphic${editing ? ' arranging' : ''}`} data-testid="area-graphic" data-layout={stored?.layout ? 'saved' : 'automatic'} aria-label={`Area ${area} process graphic`}>
      <div className="area-graphic-bar">
        <span className="area-graphic-source" data-testid="area-layout-source">
          {editing
            ? connectName
              ? `Connect ${connectName} to… (press → on the machine it feeds; the same again removes the connection)`
              : 'Drag a machine to place it (or focus it and use the arrow keys); → connects it to the machine it feeds.'
            : stored?.layout
              ? `Arranged by ${stored.updatedBy ?? 'an engineer'}${stored.updatedAt ? ` on ${time.date(stored.updatedAt)}` : ''}`
              : 'Automatic arrangement in machine order; no connections are known yet.'}
        </span>
        {canArrange && !editing && (
          <button type="button" onClick={startEditing} disabled={stored === null && loadError === null} data-testid="area-arrange">
            Arrange
          </button>
        )}
        {editing && (
          <>
            <button type="button" onClick={toAutomatic} data-testid="area-automatic">
              Automatic arrangement
            </button>
            <button type="button" onClick={stopEditing} data-testid="area-cancel">
              Cancel
            </button>
            <button type="button" className="primary" onClick={() => void save()} disabled={saving} data-testid="area-save">
              Save layout
            </button>
          </>
        )}
      </div>
      {notes.map((n) => (
        <p key={n} className="area-graphic-note" role="status" data-testid="area-layout-note">
          {n}
        </p>
      ))}
      <FormError message={saveError && `The layout was not saved: ${saveError}`} testId="area-layout-error" />
      <div className="area-drawing" ref={ref} style={{ fontSize: `${box.fontPx}px`, maxHeight: room }} data-testid="area-drawing" onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={onPointerUp}>
        {size.width > 0 && (
          <>
            <svg className="area-links" width={size.width} height={size.height} aria-hidden="true">
              <defs>
                <marker id={`flow-${cssId(area)}`} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                  <path d="M0,0 L10,5 L0,10 z" />
                </marker>
              </defs>
              {shown.links.map((l) => {
                const from = pixels.get(l.from);
                const to = pixels.get(l.to);
                if (!from || !to) return null;
                const p = linkPath(from, to, box);
                return <line key={`${l.from}>${l.to}`} data-testid="area-link-line" data-from={l.from} data-to={l.to} {...p} markerEnd={`url(#flow-${cssId(area)})`} />;
              })}
            </svg>
            {shown.nodes.map((n) => {
              const machine = byMachine.get(n.machineId);
              const at = pixels.get(n.machineId);
              if (!machine || !at) return null;
              return (
                <MachineNode
                  key={n.machineId}
                  machine={machine}
                  live={live}
                  priority={top.get(n.machineId)}
                  condition={conditionsById[n.machineId]}
                  limits={limitsById[n.machineId]}
                  box={box}
                  left={at.left}
                  top={at.top}
                  x={n.x}
                  y={n.y}
                  editing={editing}
                  connectFrom={connectFrom}
                  onPointerDown={onPointerDown}
                  onKeyDown={onKeyDown}
                  onConnect={connect}
                />
              );
            })}
          </>
        )}
      </div>
    </section>
  );
}

const cssId = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

interface NodeProps {
  machine: Machine;
  live: LiveTelemetry;
  priority: AlarmPriority | undefined;
  condition: ConditionSummary | undefined;
  limits: Readonly<Record<string, SensorLimits>> | undefined;
  box: BoxGeometry;
  left: number;
  top: number;
  x: number;
  y: number;
  editing: boolean;
  connectFrom: string | null;
  onPointerDown(machineId: string, e: PointerEvent<HTMLElement>): void;
  onKeyDown(machineId: string, e: KeyboardEvent<HTMLElement>): void;
  onConnect(machineId: string): void;
}

/** One machine: re-renders when its own live values move, like a tile. */
const MachineNode = memo(function MachineNode({ machine, live, priority, condition, limits, box, left, top, x, y, editing, connectFrom, onPointerDown, onKeyDown, onConnect }: NodeProps) {
  const subscribe = useCallback((listener: () => void) => live.subscribe(machine.id, listener), [live, machine.id]);
  useSyncExternalStore(subscribe, () => live.version(machine.id));
  const sensors = box.detail ? sensorViews(machine, live.sensorsOf(machine.id)) : [];
  const keys = box.detail ? keyMetrics(sensors.map((s) => s.name), machine.eng, limits, KEY_VALUES) : [];
  const state = machine.state !== 'online' ? machine.state : condition && condition.operatingState !== 'unknown' ? OPERATING_STATE_LABEL[condition.operatingState] : 'online';
  const title = `${machine.name} (${machine.type}) ${state}${priority ? `, priority ${priority} alarm` : ''}`;
  const isSource = connectFrom === machine.id;
  return (
    <article
      className={`area-node machine-${machine.state}${priority ? ` alarm-${priority}` : ''}${isSource ? ' connect-source' : ''}${box.detail ? '' : ' area-node-brief'}${box.density === 'mini' ? ' area-node-mini' : ''}`}
      style={{ left, top, width: box.width, minWidth: box.width, height: box.height }}
      data-testid="area-node"
      data-machine-id={machine.id}
      data-x={x.toFixed(4)}
      data-y={y.toFixed(4)}
      title={title}
      tabIndex={editing ? 0 : undefined}
      aria-label={editing ? `${title}; arrow keys move it` : undefined}
      onPointerDown={(e) => onPointerDown(machine.id, e)}
      onKeyDown={(e) => onKeyDown(machine.id, e)}
    >
      <header className="area-node-head">
        {priority && <PriorityMark priority={priority} />}
        <h3 className="area-node-name">{editing ? machine.name : <a href={routeHref({ view: 'machine', machineId: machine.id })}>{machine.name}</a>}</h3>
        {/* A small box keeps its name: there a normal state (online, running) is left to the title, ISA-101 quiet. */}
        {(box.detail || (state !== 'online' && state !== 'running')) && (
          <span className="machine-state" data-testid="area-node-state">
            {state.toUpperCase()}
          </span>
        )}
        {editing && (
          <button type="button" className="area-connect" onClick={() => onConnect(machine.id)} data-testid="area-connect" aria-pressed={isSource} title={connectFrom === null ? `Connect ${machine.name} to the machine it feeds` : `Connect to ${machine.name}`}>
            →
          </button>
        )}
      </header>
      {box.detail && (
        <ul className="area-node-values">
          {keys.map((name) => {
            const sensor = sensors.find((s) => s.name === name)!;
            const eng = machine.eng?.[name];
            const zone = barGeometry(sensor.value, eng, limits?.[name], null).zone;
            return (
              <li key={name} className={`area-value quality-${sensor.quality} zone-${zone}`} data-testid="area-node-value" data-sensor={name} data-zone={zone}>
                <span className="area-value-name" title={name}>
                  {name}
                </span>
                <span className="area-value-number">{formatNumber(sensor.value, eng)}</span>
                <span className="area-value-unit">{eng?.unit ?? ''}</span>
              </li>
            );
          })}
          {keys.length === 0 && <li className="area-value-none">no values yet</li>}
        </ul>
      )}
    </article>
  );
});

/**
 * The drawing's size and the screen's font, kept current through resizes and wallboard scale
 * changes; and the height the drawing may take so that it ends on the first screen, kept current
 * as what lies above it (KPIs, notes) grows or shrinks.
 */
function useDrawingSize() {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0, screenFontPx: 0 });
  const [room, setRoom] = useState<number | undefined>(undefined);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const screenFontPx = parseFloat(getComputedStyle(document.documentElement).fontSize) || 0;
      const next = { width: element.clientWidth, height: element.clientHeight, screenFontPx };
      setSize((prev) => (prev.width === next.width && prev.height === next.height && prev.screenFontPx === next.screenFontPx ? prev : next));
      const top = element.getBoundingClientRect().top + window.scrollY;
      setRoom(Math.floor(drawingRoom(window.innerHeight, top, screenFontPx)));
    };
    measure();
    window.addEventListener('resize', measure);
    if (typeof ResizeObserver === 'undefined') return () => window.removeEventListener('resize', measure);
    // The page around the drawing: the KPIs and notes above it move its top without resizing it.
    const page = new ResizeObserver(measure);
    page.observe(element.closest('main') ?? document.body);
    const box = observeBox(element, measure);
    return () => {
      window.removeEventListener('resize', measure);
      page.disconnect();
      box();
    };
  }, []);
  return { ref, size, room };
}
