import { memo, useCallback, useSyncExternalStore, type CSSProperties } from 'react';
import type { AlarmPriority } from '../../../common/contract-alarms';
import type { ConditionSummary } from '../../../common/contract-models';
import type { Machine, SensorEng } from '../../../common/telemetry';
import { routeHref } from '../app/router';
import { PriorityMark } from '../shell/PriorityMark';
import type { LiveTelemetry } from '../state/live-telemetry';
import { healthView, OPERATING_STATE_LABEL } from './condition-view';
import { formatNumber } from './eng-format';
import { formatTime } from '../app/time-format';
import { barGeometry, keyMetrics, type SensorLimits } from './key-metrics';
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
  const keys = showMetrics > 0 ? keyMetrics(sensors.map((s) => s.name), machine.eng, limits, showMetrics) : [];
  const shown = keys.map((name) => sensors.find((s) => s.name === name)!);
  const stateLabel = machine.state !== 'online' ? machine.state : condition && condition.operatingState !== 'unknown' ? OPERATING_STATE_LABEL[condition.operatingState] : machine.state;
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
            {machine.name}
          </a>
        </h3>
        {density !== 'micro' && (
          <span className="machine-state" data-testid="machine-state">
            {stateLabel.toUpperCase()}
          </span>
        )}
      </header>
      {density !== 'micro' &&
        (machine.state !== 'online' ? (
          <p className="tile-meta">
            <span className="tile-since" data-testid="stale-since">
              last data {formatTime(machine.lastSeen, utc)}
            </span>
          </p>
        ) : condition ? (
          <TileCondition condition={condition} />
        ) : (
          <p className="tile-meta">
            {machine.type} · {machine.area}
          </p>
        ))}
      {showMetrics > 0 &&
        (shown.length === 0 ? (
          <p className="tile-empty">No sensors reported yet</p>
        ) : (
          <ul className="sensors">
            {shown.map((sensor) => (
              <MetricRow key={sensor.name} sensor={sensor} eng={machine.eng?.[sensor.name]} limits={limits?.[sensor.name]} recent={live.recent(machine.id, sensor.name)} />
            ))}
          </ul>
        ))}
    </article>
  );
});

/** Operating state, comm loss and health (or learning) from the machine's own condition monitor. */
export function TileCondition({ condition: c }: { condition: ConditionSummary }) {
  const health = healthView(c);
  const band = health.kind === 'health' ? health.band : undefined;
  return (
    <p className="tile-condition" data-testid="tile-condition" data-operating-state={c.operatingState}>
      <span className={`op-state op-${c.operatingState}`} data-testid="operating-state">
        {OPERATING_STATE_LABEL[c.operatingState]}
      </span>
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
    </p>
  );
}

function MetricRow({ sensor, eng, limits, recent }: { sensor: SensorView; eng: SensorEng | undefined; limits: SensorLimits | undefined; recent: number[] }) {
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
        <span className="sensor-value">{formatNumber(sensor.value, eng)}</span>
        {eng?.unit && <span className="sensor-unit">{eng.unit}</span>}
        {/* Normal is quiet (ISA-101): only an abnormal quality gets a word. */}
        {sensor.quality !== 'good' && <span className="sensor-quality">{sensor.quality.toUpperCase()}</span>}
      </span>
      <span className="metric-graph">
        {/* The marks share the bar's one grid cell, offset by --at (styles.css): positioned marks would each be a paint layer of their own, some 4,000 on a 500-tile overview. */}
        <span className="bar" data-testid="analog-bar" aria-hidden="true">
          {bar.normal && <span className="bar-normal" style={at(bar.normal.from, bar.normal.to - bar.normal.from)} />}
          {bar.limits.map((l) => (
            <span key={l.level} className={`bar-limit limit-${l.level}`} style={at(l.at)} />
          ))}
          {bar.pointer !== null && <span className={`bar-pointer${bar.clipped ? ' clipped' : ''}`} data-testid="bar-pointer" style={at(bar.pointer)} />}
        </span>
        <Sparkline values={recent} />
      </span>
    </li>
  );
}

const pct = (f: number) => `${(f * 100).toFixed(2)}%`;
/** A mark's place on the bar (and its width, for the normal band) as fractions of the scale. */
const at = (from: number, width?: number) => ({ '--at': pct(from), ...(width === undefined ? {} : { '--width': pct(width) }) }) as CSSProperties;

/** The last minute of one metric, scaled to its own span: shape and direction, not the value. */
function Sparkline({ values }: { values: readonly number[] }) {
  if (values.length < 2) return <svg className="sparkline" aria-hidden="true" />;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  const step = 100 / (values.length - 1);
  let points = '';
  for (let i = 0; i < values.length; i++) points += `${(i * step).toFixed(1)},${(19 - ((values[i]! - min) / span) * 18).toFixed(1)} `;
  return (
    <svg className="sparkline" data-testid="sparkline" viewBox="0 0 100 20" preserveAspectRatio="none" aria-hidden="true">
      <polyline points={points} />
    </svg>
  );
}
