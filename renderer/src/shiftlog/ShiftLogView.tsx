import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { ShiftLogEntry, ShiftRef } from '../../../common/contract-shiftlog';
import { formatLocal } from '../../../common/plant-time';
import { formatDateTime } from '../app/time-format';
import { download, useAction, useCall } from '../app/use-call';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { FormError } from '../shell/FormError';

const shiftLabel = (s: ShiftRef, zone: string) => `${s.date}, shift ${s.index + 1} (${formatLocal(zone, s.start).slice(11)}–${formatLocal(zone, s.end).slice(11)})`;

/** Handover between shifts: operators write what the next shift must know; the next shift acknowledges it. */
export function ShiftLogView() {
  const { preferences, machines, call } = useServices();
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const machineList = useStore(machines, (s) => s.byId);
  const canWrite = useAllowed('shiftlog.add');
  const [query, setQuery] = useState('');
  const [openOnly, setOpenOnly] = useState(false);
  const [text, setText] = useState('');
  const [machineId, setMachineId] = useState('');
  const [alarmId, setAlarmId] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [ackNote, setAckNote] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const shifts = useCall('shiftlog.shifts', {}, 'shifts');
  const request = useMemo(() => ({ limit: 200, ...(query.trim() ? { query: query.trim() } : {}), ...(openOnly ? { unacknowledged: true } : {}) }), [query, openOnly]);
  const list = useCall('shiftlog.list', request, JSON.stringify(request));
  const { run, error } = useAction();
  const zone = shifts.data?.timeZone ?? 'UTC';
  const current = shifts.data?.current ?? null;
  const reload = () => {
    list.reload();
    shifts.reload();
  };
  const ackable = (e: ShiftLogEntry) => canWrite && e.ackedBy === null && current !== null && e.shift.start < current.start;

  const exportShift = async (format: 'csv' | 'pdf') => {
    try {
      download(await call('shiftlog.export', { shift: 'previous', format }));
    } catch (e) {
      setNotice((e as Error).message);
    }
  };

  return (
    <main className="settings" data-testid="shiftlog">
      <h2 className="view-title">Shift log</h2>
      <p className="hint" data-testid="shiftlog-current">
        {shifts.data ? (
          <>
            Current shift: {shiftLabel(shifts.data.current, zone)}, plant time {zone}. Previous: {shiftLabel(shifts.data.previous, zone)}.
          </>
        ) : (
          'Shift unknown until the host answers.'
        )}
      </p>
      <FormError message={error ?? list.error ?? notice} testId="shiftlog-error" />

      {canWrite && (
        <section className="panel" data-testid="shiftlog-new">
          <h3>New entry for the next shift</h3>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run('shiftlog.add', { text, ...(machineId ? { machineId } : {}), ...(alarmId.trim() ? { alarmId: alarmId.trim() } : {}) }, () => {
                setText('');
                setAlarmId('');
                setNotice(null);
                reload();
              });
            }}
          >
            <textarea data-testid="shiftlog-text" rows={3} cols={80} maxLength={4000} placeholder="What the next shift needs to know" value={text} onChange={(e) => setText(e.target.value)} required />
            <div>
              <label>
                Machine{' '}
                <select data-testid="shiftlog-machine" value={machineId} onChange={(e) => setMachineId(e.target.value)}>
                  <option value="">none</option>
                  {Object.values(machineList)
                    .sort((a, b) => a.name.localeCompare(b.name))
                    .map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.name}
                      </option>
                    ))}
                </select>
              </label>{' '}
              <label>
                Alarm id <input data-testid="shiftlog-alarm" value={alarmId} onChange={(e) => setAlarmId(e.target.value)} placeholder="optional, e.g. limit:P-01:temperature:H" size={36} />
              </label>{' '}
              <button type="submit" data-testid="shiftlog-submit">
                Add entry
              </button>
            </div>
          </form>
        </section>
      )}

      <section className="panel panel-wide" data-testid="shiftlog-entries">
        <h3>Entries</h3>
        <div>
          <label>
            Search <input data-testid="shiftlog-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="text, author, machine or alarm" />
          </label>{' '}
          <label>
            <input type="checkbox" data-testid="shiftlog-open-only" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> not yet acknowledged only
          </label>{' '}
          <button type="button" data-testid="shiftlog-export-pdf" onClick={() => void exportShift('pdf')}>
            Previous shift handover (PDF)
          </button>{' '}
          <button type="button" data-testid="shiftlog-export-csv" onClick={() => void exportShift('csv')}>
            (CSV)
          </button>
        </div>
        <table className="data-table" data-testid="shiftlog-table">
          <thead>
            <tr>
              <th />
              <th>Written</th>
              <th>Shift</th>
              <th>By</th>
              <th>Machine</th>
              <th>Alarm</th>
              <th>Entry</th>
              <th>Acknowledged</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.entries ?? []).map((e) => (
              <tr key={e.id} data-testid="shiftlog-row" data-id={e.id}>
                <td>
                  {ackable(e) && (
                    <input
                      type="checkbox"
                      aria-label={`select entry ${e.id}`}
                      data-testid="shiftlog-select"
                      checked={selected.has(e.id)}
                      onChange={(ev) => {
                        const next = new Set(selected);
                        if (ev.target.checked) next.add(e.id);
                        else next.delete(e.id);
                        setSelected(next);
                      }}
                    />
                  )}
                </td>
                <td>{formatDateTime(e.at, utc)}</td>
                <td>{shiftLabel(e.shift, zone)}</td>
                <td>{e.author}</td>
                <td>{e.machineId ? <a href={routeHref({ view: 'machine', machineId: e.machineId })}>{machineList[e.machineId]?.name ?? e.machineId}</a> : '—'}</td>
                <td>{e.alarmId ?? '—'}</td>
                <td style={{ whiteSpace: 'pre-wrap' }}>{e.text}</td>
                <td data-testid="shiftlog-ack">{e.ackedBy ? `${e.ackedBy}, ${formatDateTime(e.ackedAt, utc)}${e.ackNote ? `: ${e.ackNote}` : ''}` : current && e.shift.start >= current.start ? 'for the next shift' : 'open'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="hint">
          {list.data ? `${list.data.entries.length} of ${list.data.total} entries.` : ''} Entries of the current shift are acknowledged by the next one.
        </p>
        {canWrite && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run('shiftlog.ack', { ids: [...selected], ...(ackNote.trim() ? { note: ackNote.trim() } : {}) }, () => {
                setSelected(new Set());
                setAckNote('');
                reload();
              });
            }}
          >
            <input data-testid="shiftlog-ack-note" value={ackNote} onChange={(e) => setAckNote(e.target.value)} placeholder="note (optional)" size={40} />{' '}
            <button type="submit" data-testid="shiftlog-ack-submit" disabled={selected.size === 0}>
              Acknowledge selected ({selected.size})
            </button>
          </form>
        )}
      </section>
    </main>
  );
}
