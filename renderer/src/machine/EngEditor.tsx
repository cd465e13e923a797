import { useMemo, useState } from 'react';
import type { Machine } from '../../../common/telemetry';
import { useAllowed } from '../app/use-allowed';
import { useServices } from '../app/services-context';
import { describeFailure } from '../transport/client';
import { engEditOf, toEngDraft, type EngDraft } from './eng-form';

/**
 * Units and ranges of one machine's metrics as the screens use them (the source's, with the
 * engineers' edits on top). A supervisor changes one metric for this machine or for every machine
 * of its type; the host keeps the edit and audits it, and every screen follows.
 */
export function EngEditor({ machine }: { machine: Machine }) {
  const canEdit = useAllowed('machines.eng.set');
  const sensors = useMemo(() => Object.keys(machine.sensors).sort(), [machine.sensors]);
  const unknown = sensors.filter((s) => !machine.eng?.[s]?.unit);
  return (
    <section className="panel panel-wide eng-editor" data-testid="eng-editor">
      <h3>Units and ranges</h3>
      {unknown.length > 0 && (
        <p className="unknown-note" data-testid="units-unknown">
          Unit not known for {unknown.join(', ')}.
        </p>
      )}
      <table className="eng-table">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Unit</th>
            <th scope="col">Normal low–high</th>
            <th scope="col">Display low–high</th>
            <th scope="col">Counter</th>
            {canEdit && <th scope="col">Applies to</th>}
            {canEdit && <th scope="col" />}
          </tr>
        </thead>
        <tbody>
          {sensors.map((sensor) => (
            <EngRow key={`${sensor}:${JSON.stringify(machine.eng?.[sensor] ?? null)}`} machine={machine} sensor={sensor} canEdit={canEdit} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function EngRow({ machine, sensor, canEdit }: { machine: Machine; sensor: string; canEdit: boolean }) {
  const { call } = useServices();
  const [draft, setDraft] = useState<EngDraft>(() => toEngDraft(machine.eng?.[sensor]));
  const [scope, setScope] = useState<'machine' | 'type'>('machine');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (name: keyof EngDraft, label: string) => (
    <input
      className="eng-input"
      aria-label={`${sensor} ${label}`}
      data-testid={`eng-${name}`}
      data-sensor={sensor}
      value={String(draft[name])}
      disabled={!canEdit}
      onChange={(e) => setDraft((d) => ({ ...d, [name]: e.target.value }))}
    />
  );
  const send = async (remove: boolean) => {
    const checked = remove ? ({ ok: true, edit: null } as const) : engEditOf(draft);
    if (!checked.ok) {
      setMessage(checked.error);
      return;
    }
    setBusy(true);
    try {
      await call('machines.eng.set', { scope, key: scope === 'type' ? machine.type : machine.id, sensor, eng: checked.edit });
      setMessage(remove ? 'edit removed' : 'saved');
    } catch (error) {
      setMessage(`not saved: ${describeFailure(error)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-testid="eng-row" data-sensor={sensor}>
      <th scope="row">{sensor}</th>
      <td>{field('unit', 'unit')}</td>
      <td>
        {field('normalLow', 'normal low')}–{field('normalHigh', 'normal high')}
      </td>
      <td>
        {field('displayLow', 'display low')}–{field('displayHigh', 'display high')}
      </td>
      <td>
        <input type="checkbox" aria-label={`${sensor} is a counter`} checked={draft.counter} disabled={!canEdit} onChange={(e) => setDraft((d) => ({ ...d, counter: e.target.checked }))} />
      </td>
      {canEdit && (
        <td>
          <select aria-label={`${sensor}: apply to`} value={scope} onChange={(e) => setScope(e.target.value === 'type' ? 'type' : 'machine')}>
            <option value="machine">this machine</option>
            <option value="type">every {machine.type}</option>
          </select>
        </td>
      )}
      {canEdit && (
        <td>
          <button type="button" data-testid="eng-save" disabled={busy} onClick={() => void send(false)}>
            Save
          </button>{' '}
          <button type="button" data-testid="eng-remove" disabled={busy} onClick={() => void send(true)}>
            Remove edit
          </button>
          {message && (
            <span className="eng-message" role="status" data-testid="eng-message">
              {' '}
              {message}
            </span>
          )}
        </td>
      )}
    </tr>
  );
}
