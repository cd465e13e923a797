import { memo, useCallback, useContext, useLayoutEffect, useRef, useSyncExternalStore } from 'react';
import type { AlarmPriority } from '../../../common/contract-alarms';
import type { ConditionSummary } from '../../../common/contract-models';
import type { Machine, SensorEng } from '../../../common/telemetry';
import { routeHref } from '../app/router';
import { PriorityMark } from '../shell/PriorityMark';
import type { LiveTelemetry } from '../state/live-telemetry';
import { healthView, OPERATING_STATE_LABEL } from './condition-view';
import { formatNumber } from './eng-format';
import { formatTime } from '../app/time-format';
import { barGeometry, keepRows, keyMetrics, type BarGeometry, type SensorLimits } from './key-metrics';
import { drawGraph, graphPalette, graphPlan } from './metric-graph';
import { watchSize } from './watch-size';
import { GraphSurfaceContext, type GraphContext, type GraphSurface } from './graph-surface';
import { sensorViews, type SensorView } from './sensor-view';
import type { TileDensity, TilePlace } from './tile-layout';
import type { TileSource } from './tile-pacer';

interface Props {
  machine: Machine;
  live: LiveTelemetry;
  /** The most urgent alarm shown for this machine, if any. */
  priority?: AlarmPriority | undefined;
  utc?: boolean;
  /** The condition monitor's summary; absent while the host serves none, and then the tile says nothing about it. */
  condition?: ConditionSummary | undefined;
  /** The machine's effective alarm limits by sensor, drawn as ticks on the bars. */
  limits?: Readonly<Record<string, SensorLimits>> | undefined;
  /** How much the tile shows (the overview picks it from the screen and the machine count); full by default. */
  density?: TileDensity;
  /** Key metrics drawn as bars; every metric but the counters by default. */
  metrics?: number;
  /** Its box in a fitted overview (tilePlaces); without one the tile flows in its container. */
  place?: TilePlace | undefined;
  /** When it redraws after a reading: the overview paces its tiles (TilePacer); by default with every change of `live`. */
  updates?: TileSource | undefined;
}

/** Re-renders only when its own machine's version moves, at most once per animation frame (or as `updates` paces it). */
export const MachineTile = memo(function MachineTile({ machine, live, priority, utc = false, condition, limits, density = 'full', metrics = Infinity, place, updates }: Props) {
  const source = updates ?? live;
  const subscribe = useCallback((listener: () => void) => source.subscribe(machine.id, listener), [source, machine.id]);
  useSyncExternalStore(subscribe, () => live.version(machine.id));
  const showMetrics = density === 'full' || density === 'compact' ? metrics : 0;
  const sensors = showMetrics > 0 ? sensorViews(machine, live.sensorsOf(machine.id)) : [];
  const rows = useRef<string[]>([]);
  const keys = keepRows(rows.current, showMetrics > 0 ? keyMetrics(sensors.map((s) => s.name), machine.eng, limits, showMetrics) : []);
  rows.current = keys;
  const shown = keys.map((name) => sensors.find((s) => s.name === name)!);
  // an online machine whose monitor knows its operating state shows that state, once, beside its name
  const operating = machine.state === 'online' && condition && condition.operatingState !== 'unknown' ? condition.operatingState : null;
  const stateLabel = operating ? OPERATING_STATE_LABEL[operating] : machine.state;
  // what moves the metric rows inside the tile: its size, its frame, the row count (the line above them
  // keeps one height whatever it says, so the first condition summary re-measures nothing)
  const slotKey = `${place?.width}x${place?.height} ${density} ${machine.state} ${shown.length}`;
  const title = `${machine.name} (${machine.type} · ${machine.area}) ${stateLabel}${machine.state !== 'online' ? `, last data ${formatTime(machine.lastSeen, utc)}` : ''}`;

  return (
    <article
      className={`tile density-${density} machine-${machine.state}${priority ? ` alarm-${priority}` : ''}`}
      data-testid="machine-tile"
      data-machine-id={machine.id}
      data-state={machine.state}
      data-density={density}
      title={title}
      style={place}
    >
      <header className="tile-head">
        {priority && <PriorityMark priority={priority} />}
        <h3 className="tile-name">
          {/* The link covers the whole tile (CSS), so a click anywhere or Enter on the focused name opens the machine. */}
          <a className="tile-link" href={routeHref({ view: 'machine', machineId: machine.id })} aria-label={title}>
            <span className="tile-name-text">{machine.name}</span>
          </a>
        </h3>
        {density !== 'micro' && (
          <span className="machine-state" data-testid="machine-state">
            {operating ? (
              <span className={`op-state op-${operating}`} data-testid="operating-state">
                {stateLabel}
              </span>
            ) : (
              stateLabel.toUpperCase()
            )}
          </span>
        )}
      </header>
      {density !== 'micro' && (
        // One element whatever the line says: swapping a box for another here made Chromium layerize the
        // whole page again, tile after tile, as the first condition summaries arrived.
        <p
          className={`tile-line${machine.state === 'online' && condition ? ' tile-condition' : ''}`}
          data-testid={machine.state === 'online' && condition ? 'tile-condition' : undefined}
          data-operating-state={machine.state === 'online' ? condition?.operatingState : undefined}
        >
          {machine.state !== 'online' ? (
            <span className="tile-since" data-testid="stale-since">
              last data {formatTime(machine.lastSeen, utc)}
            </span>
          ) : condition ? (
            <TileCondition condition={condition} stateShown={operating !== null} />
          ) : (
            <span className="tile-kind">
              {machine.type} · {machine.area}
            </span>
          )}
        </p>
      )}
      {showMetrics > 0 &&
        (shown.length === 0 ? (
          <p className="tile-empty">No sensors reported yet</p>
        ) : (
          <ul className="sensors">
            {/* Keyed by row: a metric that takes another's row reuses its boxes; a new box makes the browser layerize the whole page. */}
            {shown.map((sensor, row) => (
              <MetricRow
                key={row}
                sensor={sensor}
                eng={machine.eng?.[sensor.name]}
                limits={limits?.[sensor.name]}
                recent={live.recent(machine.id, sensor.name)}
                graphKey={`${machine.id}\u0000${sensor.name}`}
                place={place}
                slotKey={`${slotKey} row ${row}`}
              />
            ))}
          </ul>
        ))}
    </article>
  );
});

/**
 * Operating state, comm loss and health (or learning) from the machine's own condition monitor, as the
 * parts of the tile's line; the operating state only where the tile's head does not show it already (`stateShown`).
 */
export function TileCondition({ condition: c, stateShown }: { condition: ConditionSummary; stateShown: boolean }) {
  const health = healthView(c);
  const band = health.kind === 'health' ? health.band : undefined;
  return (
    <>
      {!stateShown && (
        <span className={`op-state op-${c.operatingState}`} data-testid="operating-state">
          {OPERATING_STATE_LABEL[c.operatingState]}
        </span>
      )}
      {c.communicationLost && (
        <span className="comm-lost" data-testid="comm-lost">
          comm lost
        </span>
      )}
      {c.anomalyActive && (
        <span className="tile-anomaly" data-testid="tile-anomaly">
          anomaly
        </span>
      )}
      <span
        className={`tile-health${band && band !== 'normal' ? ` health-${band}` : ''}${health.kind !== 'health' ? ' health-pending' : ''}`}
        data-testid="tile-health"
        data-kind={health.kind}
        data-band={band}
      >
        {health.text}
      </span>
    </>
  );
}

interface RowProps {
  sensor: SensorView;
  eng: SensorEng | undefined;
  limits: SensorLimits | undefined;
  recent: number[];
  graphKey: string;
  place: TilePlace | undefined;
  slotKey: string;
}

function MetricRow({ sensor, eng, limits, recent, graphKey, place, slotKey }: RowProps) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of recent) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const bar = barGeometry(sensor.value, eng, limits, recent.length > 0 ? { min, max } : null);
  return (
    <li className={`sensor quality-${sensor.quality} zone-${bar.zone}`} data-testid="sensor-value" data-sensor={sensor.name} data-quality={sensor.quality} data-zone={bar.zone}>
      <span className="metric-line">
        <span className="sensor-name" title={sensor.name}>
          {sensor.name}
        </span>
        <span className="metric-reading">
          <span className="sensor-value">{formatNumber(sensor.value, eng)}</span>
          {eng?.unit && <span className="sensor-unit">{eng.unit}</span>}
          {/* Normal is quiet (ISA-101): only an abnormal quality gets a word. */}
          {sensor.quality !== 'good' && <span className="sensor-quality">{sensor.quality.toUpperCase()}</span>}
        </span>
      </span>
      <MetricGraph bar={bar} quality={sensor.quality} recent={recent} graphKey={graphKey} place={place} slotKey={slotKey} />
    </li>
  );
}

interface GraphProps {
  bar: BarGeometry;
  quality: string;
  recent: readonly number[];
  /** Names this graph on its tile's surface. */
  graphKey: string;
  /** The tile's box on the surface; the graph is measured again when `slotKey` changes. */
  place: TilePlace | undefined;
  slotKey: string;
}

/**
 * The analog bar and the sparkline (metric-graph.ts), drawn after each render: into the band's
 * canvas when the overview gives the tile one (GraphSurfaceContext), else into a canvas of its own.
 * Either way a new reading repaints pixels, not boxes, and moves nothing around it.
 */
function MetricGraph(props: GraphProps) {
  const surface = useContext(GraphSurfaceContext);
  return surface && props.place ? <SurfaceGraph {...props} surface={surface} place={props.place} /> : <OwnCanvasGraph {...props} />;
}

const paintGraph = (bar: BarGeometry, quality: string, recent: readonly number[]) => (ctx: GraphContext, width: number, height: number) =>
  drawGraph(ctx, graphPlan(bar, quality, recent, width, height), width, height, graphPalette());

/** A slot in the tile's layout, drawn on the band's surface at the slot's place. */
function SurfaceGraph({ bar, quality, recent, graphKey, place, slotKey, surface }: GraphProps & { surface: GraphSurface; place: TilePlace }) {
  const ref = useRef<HTMLSpanElement>(null);
  const slot = useRef<{ key: string; x: number; y: number; width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const span = ref.current;
    if (!span) return;
    if (slot.current?.key !== slotKey) {
      // offsets inside the tile (its padding box) change only with the tile's size and structure: read once per change
      const tile = span.offsetParent as HTMLElement | null;
      slot.current = { key: slotKey, x: (tile?.clientLeft ?? 0) + span.offsetLeft, y: (tile?.clientTop ?? 0) + span.offsetTop, width: span.offsetWidth, height: span.offsetHeight };
    }
    const s = slot.current;
    surface.set(graphKey, { x: place.left + s.x, y: place.top + s.y, width: s.width, height: s.height }, paintGraph(bar, quality, recent));
  });
  useLayoutEffect(() => () => surface.delete(graphKey), [surface, graphKey]);
  return <span ref={ref} className="metric-graph" data-testid="analog-bar" data-sparkline={recent.length >= 2 ? 'drawn' : 'none'} aria-hidden="true" />;
}

/** Outside a fitted overview: one canvas for this metric. */
function OwnCanvasGraph({ bar, quality, recent }: GraphProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const size = useRef<{ width: number; height: number } | null>(null);
  const draw = useRef<() => void>(() => {});
  draw.current = () => {
    const canvas = ref.current;
    const box = size.current;
    if (!canvas || !box || box.width <= 0 || box.height <= 0) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    paintGraph(bar, quality, recent)(ctx, box.width, box.height);
  };
  useLayoutEffect(() => draw.current());
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    return watchSize(canvas, (width, height) => {
      const ratio = window.devicePixelRatio || 1;
      size.current = { width, height };
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      draw.current();
    });
  }, []);
  return <canvas ref={ref} className="metric-graph" data-testid="analog-bar" data-sparkline={recent.length >= 2 ? 'drawn' : 'none'} aria-hidden="true" />;
}
