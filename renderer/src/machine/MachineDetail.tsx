import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { AlarmJournalEntry, EffectiveLimit } from '../../../common/contract-alarms';
import { AlarmTable } from '../alarms/AlarmTable';
import { HeldLimits } from '../alarms/HeldLimits';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { formatTime } from '../app/time-format';
import { PriorityMark } from '../shell/PriorityMark';
import { sortAlarms } from '../state/alarms';
import { describeFailure } from '../transport/client';
import type { LimitLine } from '../trend/trend-chart';
import { TrendPanel } from '../trend/TrendPanel';
import { ConditionPanel } from './ConditionPanel';
import { EngEditor } from './EngEditor';
import { MaintenanceHistory } from './MaintenanceHistory';

const RANGES = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '8 h', ms: 8 * 3_600_000 },
  { label: '24 h', ms: 24 * 3_600_000 },
  { label: '7 d', ms: 7 * 24 * 3_600_000 },
] as const;
const HISTORY_DAYS = 7;

type Loaded<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'unavailable'; why: string };

/** Level 3: one machine's trends for every sensor, its condition, and its alarm history. */
export function MachineDetail({ machineId }: { machineId: string }) {
  const { machines, alarms, call, preferences } = useServices();
  const machine = useStore(machines, (s) => s.byId[machineId]);
  const loaded = useStore(machines, (s) => s.loaded);
  const alarmsById = useStore(alarms, (s) => s.byId);
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const [rangeMs, setRangeMs] = useState<number>(RANGES[1].ms);
  const [limits, setLimits] = useState<Loaded<EffectiveLimit[]>>({ state: 'loading' });
  const [journal, setJournal] = useState<Loaded<AlarmJournalEntry[]>>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    setLimits({ state: 'loading' });
    setJournal({ state: 'loading' });
    call('alarms.limits.get', { machineId }).then(
      (answer) => live && setLimits({ state: 'ok', value: answer.limits }),
      (error: unknown) => live && setLimits({ state: 'unavailable', why: describeFailure(error) }),
    );
    const now = Date.now();
    call('alarms.history', { machineId, from: now - HISTORY_DAYS * 86_400_000, to: now, limit: 50 }).then(
      (answer) => live && setJournal({ state: 'ok', value: answer.entries }),
      (error: unknown) => live && setJournal({ state: 'unavailable', why: describeFailure(error) }),
    );
    return () => {
      live = false;
    };
  }, [call, machineId]);

  const sensors = useMemo(() => Object.keys(machine?.sensors ?? {}).sort(), [machine?.sensors]);
  const linesBySensor = useMemo(() => limitLines(limits.state === 'ok' ? limits.value : []), [limits]);
  const active = useMemo(() => sortAlarms(Object.values(alarmsById).filter((a) => a.machineId === machineId)), [alarmsById, machineId]);

  if (!machine) return <p className="plant-empty">{loaded ? `No machine "${machineId}" is known to this host.` : 'Loading machine…'}</p>;

  return (
    <main className="machine-detail" data-testid="machine-detail" data-machine-id={machineId}>
      <header className="detail-head">
        {active[0] && <PriorityMark priority={active[0].priority} />}
        <h2 className="view-title">{machine.name}</h2>
        <span className={`machine-state state-${machine.state}`} data-testid="detail-state">
          {machine.state.toUpperCase()}
        </span>
        <span className="tile-meta">
          {machine.type} · {machine.area} · last data {formatTime(machine.lastSeen, utc)}
        </span>
        <a className="nav-link" href={routeHref({ view: 'limits', machineId })} data-testid="machine-limits-link">
          Alarm limits
        </a>
        <span className="spacer" />
        <div className="range-picker" role="group" aria-label="Trend range">
          {RANGES.map((r) => (
            <button key={r.label} type="button" aria-pressed={rangeMs === r.ms} data-testid={`range-${r.label.replace(' ', '')}`} onClick={() => setRangeMs(r.ms)}>
              {r.label}
            </button>
          ))}
        </div>
      </header>

      <div className="detail-panels">
        <ConditionPanel machineId={machineId} />
        <section className="panel panel-wide" data-testid="machine-alarms">
          <h3>Alarms</h3>
          {active.length > 0 ? <AlarmTable alarms={active} showMachine={false} testId="machine-active-alarms" /> : <p className="unknown-note">No active alarm.</p>}
          <HeldLimits machineId={machineId} />
          <h4>History</h4>
          {journal.state === 'loading' && <p className="unknown-note">Loading alarm history…</p>}
          {journal.state === 'unavailable' && (
            <p className="unknown-note" data-testid="alarm-history-unavailable">
              Alarm history: <strong>not available</strong> ({journal.why})
            </p>
          )}
          {journal.state === 'ok' &&
            (journal.value.length === 0 ? (
              <p className="unknown-note">No alarm in the last {HISTORY_DAYS} days.</p>
            ) : (
              <table className="journal" data-testid="alarm-history">
                <tbody>
                  {journal.value.map((e) => (
                    <tr key={e.seq}>
                      <td>{formatTime(e.at, utc)}</td>
                      <td>
                        <PriorityMark priority={e.priority} />
                      </td>
                      <td>
                        {e.action}
                        {(e.action === 'suppress' || e.action === 'unsuppress') && e.note && <span className="tile-meta"> ({e.note})</span>}
                      </td>
                      <td>{e.message}</td>
                      <td>{e.username ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
        </section>
        <MaintenanceHistory machineId={machineId} />
        <EngEditor machine={machine} />
      </div>

      {limits.state === 'unavailable' && <p className="unknown-note">Limit lines not shown: {limits.why}</p>}
      <div className="trends" data-testid="trends">
        {sensors.map((sensor) => (
          <TrendPanel key={sensor} machineId={machineId} sensors={[sensor]} title={sensor} rangeMs={rangeMs} limits={linesBySensor.get(sensor)} />
        ))}
      </div>
    </main>
  );
}

function limitLines(limits: readonly EffectiveLimit[]): Map<string, LimitLine[]> {
  const bySensor = new Map<string, LimitLine[]>();
  for (const limit of limits) {
    if (!limit.enabled) continue;
    const lines = bySensor.get(limit.sensor) ?? [];
    lines.push({ value: limit.setpoint, label: `${limit.level} ${limit.setpoint}` });
    bySensor.set(limit.sensor, lines);
  }
  return bySensor;
}
