import { useEffect, useState } from 'react';
import type { Alarm, AlarmState } from '../../../common/contract-alarms';
import { useServices } from '../app/services-context';
import { describeFailure, subscribeEvents } from '../transport/client';
import { AlarmTable } from './AlarmTable';
import { AlarmScreen } from './AlarmTabs';
import { useSuppressed } from './use-suppressed';

/** The alarm store keeps only alarms on the summary, so this list asks the host for the rest. */
const SET_ASIDE: AlarmState[] = ['shelved', 'out-of-service'];

/** Alarms set aside by a person: who, why, and for shelves how long is left. */
export function ShelvedList() {
  const { call, bridge } = useServices();
  const [list, setList] = useState<Alarm[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  // Any alarm event may move an alarm onto or off this list (a shelf expiring, another console's unshelve).
  useEffect(() => subscribeEvents(bridge, { alarms: () => setTick((t) => t + 1) }), [bridge]);
  useEffect(() => {
    let live = true;
    call('alarms.active', { filter: { states: SET_ASIDE }, sort: 'time', limit: 5000 }).then(
      (answer) => live && (setList(answer.alarms), setFailure(null)),
      (error: unknown) => live && setFailure(describeFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [call, tick]);

  return (
    <AlarmScreen current="alarm-shelved" testId="alarm-shelved">
      {failure && <p className="unknown-note">Shelved alarms: not available ({failure})</p>}
      {list === null && !failure && <p className="unknown-note">Loading…</p>}
      {list?.length === 0 && (
        <p className="unknown-note" data-testid="alarm-shelved-empty">
          No alarm is shelved or out of service.
        </p>
      )}
      {list && list.length > 0 && <AlarmTable alarms={list} testId="alarm-shelved-table" />}
    </AlarmScreen>
  );
}

/**
 * Alarms suppressed by design (ISA-18.2): held out of play by the plant's state, such as the low
 * limits of a machine that is off, idle or starting up, each with the reason it is held and since when.
 */
export function SuppressedList() {
  const { list, failure } = useSuppressed();
  return (
    <AlarmScreen current="alarm-suppressed" testId="alarm-suppressed" suppressedCount={list?.length ?? null}>
      <p className="tile-meta">Not annunciated now, by design: each comes back into play by itself when its reason ends.</p>
      {failure && <p className="unknown-note">Suppressed alarms: not available ({failure})</p>}
      {list === null && !failure && <p className="unknown-note">Loading…</p>}
      {list?.length === 0 && (
        <p className="unknown-note" data-testid="alarm-suppressed-empty">
          No alarm is suppressed by design.
        </p>
      )}
      {list && list.length > 0 && <AlarmTable alarms={list} testId="alarm-suppressed-table" since="suppressed" />}
    </AlarmScreen>
  );
}
