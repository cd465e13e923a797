import { useMemo, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { HISTORIAN_READINGS } from '../../../common/connector-config';
import type { HistorianHealth } from '../../../common/contract-connectors';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { FormIssues } from '../shell/FormError';
import { historianDraft, type ConnectorSettings, type HistorianDraft } from './drafts';
import { NumberField } from './NumberField';
import { useConnectorSave } from './use-connector-save';

interface Props {
  settings: ConnectorSettings;
  onSaved(): Promise<void>;
}

const READINGS_LABEL: Record<(typeof HISTORIAN_READINGS)[number], string> = { raw: 'raw readings', '1m': '1-minute rollups', '1h': '1-hour rollups', none: 'no readings (events only)' };

/** The enterprise historian: where history is forwarded, what is forwarded, and how far behind forwarding is. The password is written, never shown back. */
export function HistorianPanel({ settings, onSaved }: Props) {
  const { health } = useServices();
  const canEdit = useAllowed('connectors.historian.set');
  const status = useStore(health, (s) => s.health?.historian);
  const parsed = useMemo(() => historianDraft(settings), [settings]);
  const [draft, setDraft] = useState<HistorianDraft | null>(parsed.ok ? parsed.value : null);
  const [password, setPassword] = useState('');
  const [removePassword, setRemovePassword] = useState(false);
  const [saved, setSaved] = useState(false);
  const { issues, busy, save } = useConnectorSave('connectors.historian.set', onSaved, parsed.ok ? [] : parsed.issues);
  const passwordSet = settings.historian.passwordSet;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    const request = { ...draft, ...(removePassword ? { password: null } : password ? { password } : {}) };
    await save(request, () => (setPassword(''), setRemovePassword(false), setSaved(true)));
  };
  const change = (patch: Partial<HistorianDraft>) => (setDraft((d) => d && { ...d, ...patch }), setSaved(false));
  const disabled = !canEdit || busy;

  return (
    <section className="panel" data-testid="historian">
      <h3>Enterprise historian (PostgreSQL / TimescaleDB)</h3>
      <HistorianStatus status={status} configured={draft?.url != null} />
      {draft && (
        <form className="stacked-form" onSubmit={(e) => void submit(e)}>
          {!canEdit && <p className="hint">Read-only: only an administrator changes where history goes.</p>}
          <label>
            URL{' '}
            <input data-testid="historian-url" size={50} value={draft.url ?? ''} disabled={disabled} placeholder="postgres://user@host:5432/database (empty: off)" onChange={(e) => change({ url: e.target.value.trim() === '' ? null : e.target.value.trim() })} />
          </label>
          <p data-testid="historian-password-state">
            Password: <strong>{passwordSet ? 'stored' : 'none'}</strong>
          </p>
          {canEdit && (
            <label>
              New password <input type="password" autoComplete="off" data-testid="historian-password" value={password} disabled={busy || removePassword} placeholder="empty: keep" onChange={(e) => setPassword(e.target.value)} />
            </label>
          )}
          {canEdit && passwordSet && (
            <label>
              <input type="checkbox" data-testid="historian-remove-password" checked={removePassword} onChange={(e) => setRemovePassword(e.target.checked)} /> Remove the stored password
            </label>
          )}
          <label>
            Forward{' '}
            <select data-testid="historian-readings" value={draft.readings} disabled={disabled} onChange={(e) => change({ readings: e.target.value as HistorianDraft['readings'] })}>
              {HISTORIAN_READINGS.map((r) => (
                <option key={r} value={r}>
                  {READINGS_LABEL[r]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input type="checkbox" checked={draft.alarms} disabled={disabled} onChange={(e) => change({ alarms: e.target.checked })} /> Alarm journal
          </label>
          <label>
            <input type="checkbox" checked={draft.models} disabled={disabled} onChange={(e) => change({ models: e.target.checked })} /> Model outputs
          </label>
          <label>
            Site key <input data-testid="historian-site" size={14} value={draft.site ?? ''} disabled={disabled} placeholder="the alarms' site" onChange={(e) => change({ site: e.target.value || undefined })} />
          </label>
          <label>
            Alarm when more than <NumberField testId="historian-backlog-rows" value={draft.backlogAlarmRows} onChange={(n) => change({ backlogAlarmRows: n })} /> rows wait
          </label>
          <label>
            …or data older than <NumberField testId="historian-backlog-seconds" value={draft.backlogAlarmSeconds} onChange={(n) => change({ backlogAlarmSeconds: n })} /> s waits
          </label>
          {canEdit && (
            <button type="submit" data-testid="historian-save" disabled={busy}>
              Save historian
            </button>
          )}
          {saved && (
            <span className="hint" role="status" data-testid="historian-saved">
              Saved; forwarding restarted.
            </span>
          )}
        </form>
      )}
      <FormIssues issues={issues} testId="historian-issues" />
    </section>
  );
}

function HistorianStatus({ status, configured }: { status: HistorianHealth | undefined; configured: boolean }) {
  if (!status) return <p className="unknown-note">{configured ? 'No figures from the historian yet.' : 'Off: no historian URL.'}</p>;
  return (
    <dl className="facts" data-testid="historian-status">
      <dt>State</dt>
      <dd data-testid="historian-state" className={status.state === 'ok' ? undefined : 'off-target'}>
        {status.state}
        {status.lastError ? ` (${status.lastError})` : ''}
      </dd>
      <dt>Backlog</dt>
      <dd data-testid="historian-backlog">
        {status.backlogRows === null ? 'unknown until the first connection' : `${count(status.backlogRows)}${status.backlogCapped ? '+' : ''} rows`}
        {status.backlogSeconds !== null ? `, ${count(status.backlogSeconds)} s behind` : ''}
      </dd>
      <dt>Forwarded</dt>
      <dd>
        {count(status.forwardedValues)} values, {count(status.forwardedEvents)} events ({count(status.duplicatesSkipped)} duplicates skipped)
      </dd>
      {status.alarm && (
        <>
          <dt>Alarm</dt>
          <dd className="off-target">{status.alarm}</dd>
        </>
      )}
    </dl>
  );
}

const count = (n: number) => String(Math.round(n));
