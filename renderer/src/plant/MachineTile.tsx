import { memo, useCallback, useSyncExternalStore } from 'react';
import type { AlarmPriority } from '../../../common/contract-alarms';
import type { ConditionSummary } from '../../../common/contract-models';
import type { Machine } from '../../../common/telemetry';
import { routeHref } from '../app/router';
import { PriorityMark } from '../shell/PriorityMark';
import type { LiveTelemetry } from '../state/live-telemetry';
import { healthView, OPERATING_STATE_LABEL } from './condition-view';
import { formatTime, formatValue } from './format';
import { sensorViews, type SensorView } from './sensor-view';

interface Props {
  machine: Machine;
  live: LiveTelemetry;
  /** The most urgent alarm shown for this machine, if any. */
  priority?: AlarmPriority | undefined;
  utc?: boolean;
  /** The condition monitor's summary; absent while the host serves none, and then the tile says nothing about it. */
  condition?: ConditionSummary | undefined;
}

/** Re-renders only when its own machine's version moves, at most once per animation frame. */
export const MachineTile = memo(function MachineTile({ machine, live, priority, utc = false, condition }: Props) {
  const subscribe = useCallback((listener: () => void) => live.subscribe(machine.id, listener), [live, machine.id]);
  useSyncExternalStore(subscribe, () => live.version(machine.id));
  const sensors = sensorViews(machine, live.sensorsOf(machine.id));

  return (
    <article className={`tile machine-${machine.state}${priority ? ` alarm-${priority}` : ''}`} data-testid="machine-tile" data-machine-id={machine.id} data-state={machine.state}>
      <header className="tile-head">
        {priority && <PriorityMark priority={priority} />}
        <h3 className="tile-name">
          {/* The link covers the whole tile (CSS), so a click anywhere or Enter on the focused name opens the machine. */}
          <a className="tile-link" href={routeHref({ view: 'machine', machineId: machine.id })}>
            {machine.name}
          </a>
        </h3>
        <span className="machine-state">{machine.state.toUpperCase()}</span>
      </header>
      <p className="tile-meta">
        {machine.type} · {machine.area}
        {machine.state !== 'online' && (
          <span className="tile-since" data-testid="stale-since">
            {' '}
            · last data {formatTime(machine.lastSeen, utc)}
          </span>
        )}
      </p>
      {condition && <TileCondition condition={condition} />}
      {sensors.length === 0 ? (
        <p className="tile-empty">No sensors reported yet</p>
      ) : (
        <ul className="sensors">
          {sensors.map((sensor) => (
            <SensorRow key={sensor.name} sensor={sensor} />
          ))}
        </ul>
      )}
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

function SensorRow({ sensor }: { sensor: SensorView }) {
  return (
    <li className={`sensor quality-${sensor.quality}`} data-testid="sensor-value" data-sensor={sensor.name} data-quality={sensor.quality}>
      <span className="sensor-name">{sensor.name}</span>
      <span className="sensor-value">{formatValue(sensor.value)}</span>
      {/* Normal is quiet (ISA-101): only an abnormal quality gets a word. */}
      {sensor.quality !== 'good' && <span className="sensor-quality">{sensor.quality.toUpperCase()}</span>}
    </li>
  );
}
