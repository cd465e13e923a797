import { useMemo } from 'react';
import { useStore } from 'zustand';
import { ALARM_PRIORITIES } from '../../../common/contract-alarms';
import { useServices } from '../app/services-context';
import { countByPriority, sortAlarms } from '../state/alarms';
import { PriorityMark } from './PriorityMark';

/** On every screen: the most urgent alarm and the count per priority; quiet grey when there are none. */
export function AlarmBanner() {
  const { alarms, machines, health } = useServices();
  const hostLost = useStore(health, (s) => s.problem !== null);
  const byId = useStore(alarms, (s) => s.byId);
  const available = useStore(alarms, (s) => s.available);
  const names = useStore(machines, (s) => s.byId);
  const top = useMemo(() => sortAlarms(Object.values(byId))[0], [byId]);
  const counts = useMemo(() => countByPriority(byId), [byId]);

  if (hostLost) {
    return (
      <div className="alarm-banner alarm-banner-unknown" data-testid="alarm-banner" data-state="unknown" role="status">
        Alarms: unknown — the host cannot be reached.
      </div>
    );
  }
  if (available === false) {
    return (
      <div className="alarm-banner alarm-banner-unknown" data-testid="alarm-banner" data-state="unavailable" role="status">
        Alarms: not available from this host — this screen cannot show alarms.
      </div>
    );
  }
  if (available === null) {
    return (
      <div className="alarm-banner alarm-banner-unknown" data-testid="alarm-banner" data-state="loading" role="status">
        Alarms: loading…
      </div>
    );
  }
  if (!top) {
    return (
      <div className="alarm-banner" data-testid="alarm-banner" data-state="none" role="status">
        No active alarms
      </div>
    );
  }
  return (
    <div className={`alarm-banner alarm-banner-active banner-${top.priority}`} data-testid="alarm-banner" data-state="active" role="alert">
      <PriorityMark priority={top.priority} />
      <a className="banner-text" href={`#/machine/${encodeURIComponent(top.machineId)}`} data-testid="alarm-banner-top">
        <strong>{names[top.machineId]?.name ?? top.machineId}</strong> {top.message}
        {top.state === 'active-unacknowledged' && <span className="unacked"> UNACK</span>}
      </a>
      <span className="banner-counts">
        {ALARM_PRIORITIES.filter((p) => counts[p] > 0).map((p) => (
          <span key={p} className="banner-count" data-testid="alarm-count" data-priority={p}>
            <PriorityMark priority={p} /> {counts[p]}
          </span>
        ))}
      </span>
    </div>
  );
}
