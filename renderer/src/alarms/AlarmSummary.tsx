import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { ALARM_PRIORITIES, ALARM_SOURCES, type AlarmSource, type AlarmState } from '../../../common/contract-alarms';
import { useServices } from '../app/services-context';
import { PriorityMark } from '../shell/PriorityMark';
import { filterAlarms, needsAck, NO_FILTER, type AlarmFilter, type AlarmSort } from './alarm-filter';
import { AlarmTable } from './AlarmTable';
import { AlarmScreen } from './AlarmTabs';
import { SOURCE_LABEL } from './sources';

/** The states the summary lists (shelved and out-of-service ones have their own list). */
const SUMMARY_STATES: readonly AlarmState[] = ['active-unacknowledged', 'active-acknowledged', 'returned-to-normal-unacknowledged', 'latched'];

/** The active alarm summary: every alarm needing attention, most urgent first, live from the alarm events. */
export function AlarmSummary() {
  const { alarms, machines } = useServices();
  const byId = useStore(alarms, (s) => s.byId);
  const available = useStore(alarms, (s) => s.available);
  const machinesById = useStore(machines, (s) => s.byId);
  const [filter, setFilter] = useState<AlarmFilter>(NO_FILTER);
  const change = (patch: Partial<AlarmFilter>) => setFilter((f) => ({ ...f, ...patch }));

  const areas = useMemo(() => [...new Set(Object.values(machinesById).map((m) => m.area))].sort(), [machinesById]);
  const rows = useMemo(
    () => filterAlarms(Object.values(byId), filter, { areaOf: (id) => machinesById[id]?.area, nameOf: (id) => machinesById[id]?.name }),
    [byId, filter, machinesById],
  );
  const all = Object.values(byId);
  const unacked = all.filter(needsAck).length;

  return (
    <AlarmScreen
      current="alarms"
      testId="alarm-summary"
      head={
        <span className="tile-meta" data-testid="alarm-summary-counts">
          {all.length} active, {unacked} unacknowledged{rows.length !== all.length ? `, ${rows.length} shown` : ''}
        </span>
      }
    >
      <div className="filter-bar" role="group" aria-label="Filter alarms">
        <span className="prio-filter">
          {ALARM_PRIORITIES.map((p) => (
            <button
              key={p}
              type="button"
              aria-pressed={filter.priorities.includes(p)}
              data-testid={`filter-priority-${p}`}
              title={`Show ${p} alarms only (several may be chosen)`}
              onClick={() => change({ priorities: filter.priorities.includes(p) ? filter.priorities.filter((x) => x !== p) : [...filter.priorities, p] })}
            >
              <PriorityMark priority={p} />
            </button>
          ))}
        </span>
        <label>
          State{' '}
          <select data-testid="filter-state" value={filter.state ?? ''} onChange={(e) => change({ state: (e.target.value || null) as AlarmState | null })}>
            <option value="">all</option>
            {SUMMARY_STATES.map((s) => (
              <option key={s} value={s}>
                {s.replaceAll('-', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Area{' '}
          <select data-testid="filter-area" value={filter.area ?? ''} onChange={(e) => change({ area: e.target.value || null })}>
            <option value="">all</option>
            {areas.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Source{' '}
          <select data-testid="filter-source" value={filter.source ?? ''} onChange={(e) => change({ source: (e.target.value || null) as AlarmSource | null })}>
            <option value="">all</option>
            {ALARM_SOURCES.map((s) => (
              <option key={s} value={s}>
                {SOURCE_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search <input type="search" size={30} data-testid="filter-search" value={filter.search} onChange={(e) => change({ search: e.target.value })} placeholder="machine, sensor, message" />
        </label>
        <label>
          Sort{' '}
          <select data-testid="alarm-sort" value={filter.sort} onChange={(e) => change({ sort: e.target.value as AlarmSort })}>
            <option value="priority">priority, then newest</option>
            <option value="time">newest first</option>
          </select>
        </label>
        {filter !== NO_FILTER && (
          <button type="button" data-testid="filter-clear" onClick={() => setFilter(NO_FILTER)}>
            Clear filters
          </button>
        )}
      </div>

      {available === false && <p className="unknown-note">Alarms are not available from this host.</p>}
      {available === null && <p className="unknown-note">Loading alarms…</p>}
      {available && rows.length === 0 && (
        <p className="unknown-note" data-testid="alarm-summary-empty">
          {all.length === 0 ? 'No active alarms.' : 'No alarm matches the filter.'}
        </p>
      )}
      {available && rows.length > 0 && <AlarmTable alarms={rows} testId="alarm-summary-table" filterable={false} />}
    </AlarmScreen>
  );
}
