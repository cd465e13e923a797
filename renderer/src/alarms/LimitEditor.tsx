import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { ALARM_PRIORITIES, LIMIT_LEVELS, type AlarmPriority, type EffectiveLimit, type LimitLevel, type LimitSetting } from '../../../common/contract-alarms';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { describeFailure } from '../transport/client';
import { useAllowed } from '../app/use-allowed';
import { checkLimits, limitKey, toDraft, type LimitDraft } from './limit-form';
import { MetaProposal } from './MetaProposal';
import { formatDateTime } from '../app/time-format';
import { FormError } from '../shell/FormError';

/** A new row starts from the engine's own defaults (limits.ts): short delays, no re-alarm. */
const NEW_ROW: Omit<LimitDraft, 'sensor' | 'level' | 'setpoint'> = { deadband: '0', onDelayS: '3', offDelayS: '5', reAlarmMin: '0', priority: 'medium', latching: false, enabled: true };

/** Limit alarms of one machine: HH/H/L/LL per sensor with deadband, delays and priority; supervisors edit. */
export function LimitEditor({ machineId }: { machineId: string }) {
  const { call, machines, preferences } = useServices();
  const machine = useStore(machines, (s) => s.byId[machineId]);
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const canEdit = useAllowed('alarms.limits.set');
  const canAccept = useAllowed('alarms.limits.acceptMeta');
  const [proposed, setProposed] = useState<LimitSetting[] | null>(null);
  const [stored, setStored] = useState<EffectiveLimit[] | null>(null);
  const [drafts, setDrafts] = useState<LimitDraft[]>([]);
  const [dirty, setDirty] = useState<ReadonlySet<string>>(new Set());
  const [reset, setReset] = useState<ReadonlySet<string>>(new Set());
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [newSensor, setNewSensor] = useState('');
  const [newLevel, setNewLevel] = useState<LimitLevel>('H');

  const adopt = (limits: EffectiveLimit[], proposedMeta?: LimitSetting[]) => {
    setProposed(proposedMeta ?? null);
    setStored(limits);
    setDrafts(limits.map(toDraft));
    setDirty(new Set());
    setReset(new Set());
  };

  useEffect(() => {
    let live = true;
    call('alarms.limits.get', { machineId }).then(
      (answer) => live && adopt(answer.limits, answer.proposedMeta),
      (error: unknown) => live && setFailure(describeFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [call, machineId]);

  const { settings, errors } = useMemo(() => checkLimits(drafts), [drafts]);
  const byKey = useMemo(() => new Map((stored ?? []).map((l) => [limitKey(l), l])), [stored]);
  const sensors = useMemo(() => [...new Set([...Object.keys(machine?.sensors ?? {}), ...drafts.map((d) => d.sensor)])].sort(), [machine?.sensors, drafts]);

  const edit = (key: string, patch: Partial<LimitDraft>) => {
    setDrafts((rows) => rows.map((r) => (limitKey(r) === key ? { ...r, ...patch } : r)));
    setDirty((d) => new Set(d).add(key));
    setSaved(null);
  };
  const toggleReset = (key: string) => {
    setReset((r) => {
      const next = new Set(r);
      if (!next.delete(key)) next.add(key);
      return next;
    });
    setSaved(null);
  };
  const addRow = () => {
    const row: LimitDraft = { sensor: newSensor, level: newLevel, setpoint: '', ...NEW_ROW, priority: newLevel === 'HH' || newLevel === 'LL' ? 'high' : 'medium' };
    setDrafts((rows) => [...rows, row]);
    setDirty((d) => new Set(d).add(limitKey(row)));
  };

  const save = async () => {
    setBusy(true);
    setFailure(null);
    try {
      // Only touched rows are sent: an untouched default must stay a default that follows the machine type.
      const changed = settings.filter((s) => dirty.has(limitKey(s)) && !reset.has(limitKey(s)));
      const resetRows = [...reset].map((key) => {
        const row = byKey.get(key)!;
        return { sensor: row.sensor, level: row.level };
      });
      const answer = await call('alarms.limits.set', { machineId, limits: changed, reset: resetRows });
      adopt(answer.limits, answer.proposedMeta);
      setSaved(`Saved ${changed.length} change${changed.length === 1 ? '' : 's'}${resetRows.length ? ` and ${resetRows.length} reset` : ''}.`);
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  const accept = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const answer = await call('alarms.limits.acceptMeta', { machineId });
      adopt(answer.limits, answer.proposedMeta);
      setSaved('Accepted the proposed defaults.');
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  const hasErrors = Object.keys(errors).length > 0;
  const exists = drafts.some((d) => d.sensor === newSensor && d.level === newLevel);
  const inputs = !canEdit || busy;

  return (
    <main className="settings limit-editor" data-testid="limit-editor" data-machine-id={machineId}>
      <div className="detail-head">
        <h2 className="view-title">Alarm limits — {machine?.name ?? machineId}</h2>
        <a className="nav-link" href={routeHref({ view: 'machine', machineId })} data-testid="limits-back">
          Back to the machine
        </a>
      </div>
      <p className="hint">
        For each sensor the enabled setpoints must keep LL &lt; L &lt; H &lt; HH. The deadband is how far the value must come back inside the setpoint before the alarm clears.
        {canEdit ? ' Rows you change are stored on this console and replace the machine type’s default.' : ' Editing needs the supervisor role.'}
      </p>
      <FormError message={failure} testId="limits-error" />
      {stored === null && !failure && <p className="unknown-note">Loading limits…</p>}
      {stored && proposed && <MetaProposal limits={stored} proposed={proposed} canAccept={canAccept} busy={busy} onAccept={() => void accept()} />}
      {stored && (
        <table className="data-table" data-testid="limits-table">
          <thead>
            <tr>
              <th>Sensor</th>
              <th>Level</th>
              <th>Setpoint</th>
              <th>Deadband</th>
              <th>On-delay s</th>
              <th>Off-delay s</th>
              <th>Re-alarm min</th>
              <th>Priority</th>
              <th>Latch</th>
              <th>On</th>
              <th>Origin</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {drafts.map((d) => {
              const key = limitKey(d);
              const origin = byKey.get(key);
              const num = (field: 'setpoint' | 'deadband' | 'onDelayS' | 'offDelayS' | 'reAlarmMin', min?: number) => (
                <input type="number" step="any" min={min} className="num-input" data-testid={`limit-${field}`} value={d[field]} disabled={inputs || reset.has(key)} onChange={(e) => edit(key, { [field]: e.target.value })} aria-invalid={errors[key] ? true : undefined} />
              );
              return [
                <tr key={key} data-testid="limit-row" data-key={key} className={dirty.has(key) ? 'dirty-row' : undefined}>
                  <td>{d.sensor}</td>
                  <td>{d.level}</td>
                  <td>{num('setpoint')}</td>
                  <td>{num('deadband', 0)}</td>
                  <td>{num('onDelayS', 0)}</td>
                  <td>{num('offDelayS', 0)}</td>
                  <td>{num('reAlarmMin', 0)}</td>
                  <td>
                    <select value={d.priority} disabled={inputs || reset.has(key)} onChange={(e) => edit(key, { priority: e.target.value as AlarmPriority })}>
                      {ALARM_PRIORITIES.map((p) => (
                        <option key={p}>{p}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input type="checkbox" checked={d.latching} disabled={inputs || reset.has(key)} onChange={(e) => edit(key, { latching: e.target.checked })} aria-label="latching" />
                  </td>
                  <td>
                    <input type="checkbox" checked={d.enabled} disabled={inputs || reset.has(key)} onChange={(e) => edit(key, { enabled: e.target.checked })} aria-label="enabled" />
                  </td>
                  <td className="tile-meta">{origin ? (origin.origin === 'engineer' ? `edited by ${origin.updatedBy ?? '?'} ${formatDateTime(origin.updatedAt, utc)}` : 'machine type default') : 'new'}</td>
                  <td>
                    {origin?.origin === 'engineer' && canEdit && (
                      <button type="button" aria-pressed={reset.has(key)} data-testid="limit-reset" onClick={() => toggleReset(key)} title="Go back to the machine type's default on save">
                        Reset to default
                      </button>
                    )}
                  </td>
                </tr>,
                errors[key] && (
                  <tr key={`${key}-error`} className="error-row">
                    <td colSpan={12} className="form-error" data-testid="limit-error">
                      {d.sensor} {d.level}: {errors[key]}
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      )}
      {stored && drafts.length === 0 && <p className="unknown-note">No limits: the machine type publishes none, and none has been added here.</p>}
      {stored && canEdit && (
        <div className="filter-bar">
          <label>
            Add sensor{' '}
            <select data-testid="limit-new-sensor" value={newSensor} onChange={(e) => setNewSensor(e.target.value)}>
              <option value="">choose…</option>
              {sensors.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <select data-testid="limit-new-level" value={newLevel} onChange={(e) => setNewLevel(e.target.value as LimitLevel)} aria-label="level">
            {LIMIT_LEVELS.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
          <button type="button" data-testid="limit-add" disabled={!newSensor || exists} onClick={addRow}>
            Add limit
          </button>
          <span className="spacer" />
          <button type="button" data-testid="limits-save" disabled={busy || hasErrors || (dirty.size === 0 && reset.size === 0)} onClick={() => void save()}>
            Save
          </button>
          <button type="button" data-testid="limits-discard" disabled={busy || (dirty.size === 0 && reset.size === 0)} onClick={() => adopt(stored, proposed ?? undefined)}>
            Discard changes
          </button>
          {saved && (
            <span role="status" data-testid="limits-saved">
              {saved}
            </span>
          )}
        </div>
      )}
    </main>
  );
}
