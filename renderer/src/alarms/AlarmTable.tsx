import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { Alarm } from '../../../common/contract-alarms';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { formatValue } from '../plant/format';
import { DataTable, type DataColumn } from '../shell/DataTable';
import { PriorityMark } from '../shell/PriorityMark';
import { describeFailure } from '../transport/client';
import { needsAck } from './alarm-filter';
import { sourceLabel } from './sources';
import { formatDateTime } from '../app/time-format';
import { formatRemaining, useNow } from './time';

const SHELVE_MINUTES = [15, 30, 60, 120, 240, 480, 1440] as const;

type Action = 'ack' | 'shelve' | 'unshelve' | 'outOfService' | 'returnToService';

interface Props {
  alarms: readonly Alarm[];
  /** Hide the machine column on a screen that is about one machine already. */
  showMachine?: boolean;
  testId: string;
  /** False where the screen has filters of its own. */
  filterable?: boolean;
  /** The time column: when the alarm was raised, or (the suppressed screen) since when it is suppressed by design. */
  since?: 'raised' | 'suppressed';
}

/** Priority rank for sorting: critical first when sorted ascending. */
export const PRIORITY_RANK: Record<Alarm['priority'], number> = { critical: 1, high: 2, medium: 3, low: 4, diagnostic: 5 };

/**
 * Alarms with their actions: acknowledge, shelve and out-of-service each open a short form under
 * the alarm's row. The order given (priority, then newest) holds until a header is clicked.
 */
export function AlarmTable({ alarms, showMachine = true, testId, filterable = true, since = 'raised' }: Props) {
  const { machines, preferences } = useServices();
  const names = useStore(machines, (s) => s.byId);
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const now = useNow();
  const [open, setOpen] = useState<{ id: string; action: Action } | null>(null);
  // Cells read the changing parts (the clock, names, the open form) through a ref, so the columns
  // and the table's sorting survive the once-a-second clock.
  const live = useRef({ names, utc, now, open, setOpen });
  live.current = { names, utc, now, open, setOpen };
  const columns = useMemo<DataColumn<Alarm>[]>(
    () => [
      { id: 'priority', header: 'Pri', value: (a) => PRIORITY_RANK[a.priority], render: (a) => <PriorityMark priority={a.priority} /> },
      since === 'suppressed'
        ? {
            id: 'suppressed-since',
            header: 'Suppressed since',
            value: (a) => a.suppressedSince,
            render: (a) => <span data-testid="suppressed-since">{formatDateTime(a.suppressedSince, live.current.utc)}</span>,
          }
        : { id: 'raised', header: 'Raised', value: (a) => a.raisedAt, render: (a) => formatDateTime(a.raisedAt, live.current.utc) },
      ...(showMachine
        ? [
            {
              id: 'machine',
              header: 'Machine',
              value: (a: Alarm) => live.current.names[a.machineId]?.name ?? a.machineId,
              render: (a: Alarm) => <a href={routeHref({ view: 'machine', machineId: a.machineId })}>{live.current.names[a.machineId]?.name ?? a.machineId}</a>,
            },
          ]
        : []),
      {
        id: 'source',
        header: 'Source',
        value: (a) => sourceLabel(a.source),
        render: (a) => (
          <span data-testid="alarm-source" data-source={a.source}>
            {sourceLabel(a.source)}
          </span>
        ),
      },
      { id: 'message', header: 'Alarm', value: (a) => a.message },
      { id: 'value', header: 'Value', value: (a) => a.value, render: (a) => formatValue(a.value), numeric: true },
      { id: 'limit', header: 'Limit', value: (a) => a.limit, render: (a) => formatValue(a.limit), numeric: true },
      {
        id: 'state',
        header: 'State',
        value: (a) => a.state.replaceAll('-', ' '),
        render: (a) => (
          <span data-testid="alarm-state">
            <StateText alarm={a} now={live.current.now} utc={live.current.utc} />
          </span>
        ),
      },
      {
        id: 'actions',
        header: 'Actions',
        value: () => null,
        sortable: false,
        render: (a) => (
          <span className="row-actions">
            <ActionButtons
              alarm={a}
              onOpen={(action) => {
                const { open: was, setOpen: set } = live.current;
                set(was?.id === a.id && was.action === action ? null : { id: a.id, action });
              }}
            />
          </span>
        ),
      },
    ],
    [showMachine, since],
  );

  return (
    <DataTable
      rows={alarms}
      columns={columns}
      rowKey={(a) => a.id}
      testId={testId}
      pageSize={100}
      filterable={filterable}
      filterLabel="Filter alarms"
      rowClass={(a) => (needsAck(a) ? 'unacked-row' : undefined)}
      rowAttributes={(a) => ({ 'data-testid': 'alarm-row', 'data-alarm-id': a.id, 'data-state': a.state })}
      detail={(a) => (open?.id === a.id ? <ActionForm alarm={a} action={open.action} onClose={() => setOpen(null)} /> : null)}
    />
  );
}

function StateText({ alarm, now, utc }: { alarm: Alarm; now: number; utc: boolean }) {
  const text = alarm.state.replaceAll('-', ' ');
  if (alarm.state === 'shelved' && alarm.shelvedUntil !== null) {
    return (
      <>
        {text} — <span data-testid="shelf-remaining">{formatRemaining(alarm.shelvedUntil - now)}</span> left
        <span className="tile-meta"> (until {formatDateTime(alarm.shelvedUntil, utc)}; {alarm.modeBy}: {alarm.modeReason})</span>
      </>
    );
  }
  if (alarm.state === 'out-of-service') {
    return (
      <>
        {text}
        {alarm.modeBy && <span className="tile-meta"> ({alarm.modeBy}: {alarm.modeReason})</span>}
      </>
    );
  }
  // Suppressed by the plant's state, not by a person: the reason is what the operator needs.
  if (alarm.state === 'suppressed-by-design') {
    return (
      <>
        {text}
        {alarm.modeReason && (
          <span className="tile-meta" data-testid="suppressed-reason">
            {' '}
            ({alarm.modeReason})
          </span>
        )}
      </>
    );
  }
  return (
    <>
      {needsAck(alarm) ? <strong>{text}</strong> : text}
      {alarm.ackedBy && <span className="tile-meta"> (ack {alarm.ackedBy}{alarm.note ? `: ${alarm.note}` : ''})</span>}
    </>
  );
}

function ActionButtons({ alarm, onOpen }: { alarm: Alarm; onOpen(action: Action): void }) {
  const canAck = useAllowed('alarms.ack');
  const canSupervise = useAllowed('alarms.shelve');
  const button = (action: Action, label: string, allowed: boolean, need: string) => (
    <button type="button" data-testid={`alarm-${action}`} disabled={!allowed} title={allowed ? undefined : `Needs the ${need} role or higher`} onClick={() => onOpen(action)}>
      {label}
    </button>
  );
  return (
    <>
      {needsAck(alarm) && button('ack', 'Ack…', canAck, 'operator')}
      {alarm.state === 'shelved' ? button('unshelve', 'Unshelve…', canSupervise, 'supervisor') : alarm.state !== 'out-of-service' && alarm.state !== 'suppressed-by-design' && button('shelve', 'Shelve…', canSupervise, 'supervisor')}
      {alarm.state === 'out-of-service' ? button('returnToService', 'Return to service…', canSupervise, 'supervisor') : button('outOfService', 'Out of service…', canSupervise, 'supervisor')}
    </>
  );
}

const TITLES: Record<Action, string> = {
  ack: 'Acknowledge',
  shelve: 'Shelve',
  unshelve: 'Unshelve',
  outOfService: 'Take out of service',
  returnToService: 'Return to service',
};

function ActionForm({ alarm, action, onClose }: { alarm: Alarm; action: Action; onClose(): void }) {
  const { call, alarms } = useServices();
  const [text, setText] = useState('');
  const [minutes, setMinutes] = useState<number>(60);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const needsReason = action === 'shelve' || action === 'outOfService';

  const perform = () => {
    const note = text.trim() ? { note: text.trim() } : {};
    switch (action) {
      case 'ack':
        return call('alarms.ack', { alarmId: alarm.id, ...note });
      case 'shelve':
        return call('alarms.shelve', { alarmId: alarm.id, reason: text.trim(), durationMinutes: minutes });
      case 'unshelve':
        return call('alarms.unshelve', { alarmId: alarm.id, ...note });
      case 'outOfService':
        return call('alarms.outOfService', { alarmId: alarm.id, reason: text.trim() });
      case 'returnToService':
        return call('alarms.returnToService', { alarmId: alarm.id, ...note });
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const { alarm: changed } = await perform();
      // The alarms event will say the same; applying the answer now shows the change without waiting for it.
      alarms.getState().received([changed]);
      onClose();
    } catch (error) {
      setFailure(describeFailure(error));
      setBusy(false);
    }
  };

  return (
    <form className="inline-form" data-testid="alarm-action-form" data-action={action} onSubmit={(e) => void submit(e)}>
      <strong>{TITLES[action]}</strong>
      <label>
        {needsReason ? 'Reason' : 'Note (optional)'}{' '}
        <input data-testid="alarm-action-text" value={text} onChange={(e) => setText(e.target.value)} required={needsReason} minLength={needsReason ? 3 : undefined} maxLength={500} size={40} autoFocus />
      </label>
      {action === 'shelve' && (
        <label>
          For{' '}
          <select data-testid="alarm-shelve-minutes" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {SHELVE_MINUTES.map((m) => (
              <option key={m} value={m}>
                {m < 60 ? `${m} min` : `${m / 60} h`}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" data-testid="alarm-action-confirm" disabled={busy}>
        {TITLES[action]}
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      {failure && (
        <span className="form-error" role="alert" data-testid="alarm-action-error">
          {failure}
        </span>
      )}
    </form>
  );
}
