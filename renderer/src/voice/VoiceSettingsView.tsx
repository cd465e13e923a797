import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { VOICE_PRIORITIES, type VoiceEngineName, type VoiceLogEntry, type VoicePriority, type VoiceSettings, type VoiceSettingsPatch } from '../../../common/contract-voice';
import { formatDateTime } from '../app/time-format';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { describeFailure, subscribeEvents } from '../transport/client';

const LOG_ROWS = 100;

/** The room's announcer: settings (admins edit, others read), a test phrase, and what was said when. */
export function VoiceSettingsView() {
  const { call } = useServices();
  const canEdit = useAllowed('voice.settings.set');
  const [settings, setSettings] = useState<VoiceSettings | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    call('voice.settings.get', {}).then(
      (answer) => live && setSettings(answer),
      (error: unknown) => live && setFailure(describeFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [call]);

  return (
    <main className="settings" data-testid="voice-settings">
      <h2 className="view-title">Voice announcements</h2>
      {failure && <p className="unknown-note">Voice settings: not available ({failure})</p>}
      {settings && <SettingsForm settings={settings} canEdit={canEdit} onSaved={setSettings} />}
      <TestPhrase />
      <VoiceLog />
    </main>
  );
}

function SettingsForm({ settings, canEdit, onSaved }: { settings: VoiceSettings; canEdit: boolean; onSaved(s: VoiceSettings): void }) {
  const { call } = useServices();
  const [draft, setDraft] = useState(settings);
  const [apiKey, setApiKey] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const change = (patch: Partial<VoiceSettings>) => setDraft((d) => ({ ...d, ...patch }));
  const disabled = !canEdit || busy;

  const save = async (patch: VoiceSettingsPatch) => {
    setBusy(true);
    try {
      const answer = await call('voice.settings.set', patch);
      onSaved(answer);
      setDraft(answer);
      setApiKey('');
      setMessage({ ok: true, text: 'Saved.' });
    } catch (error) {
      setMessage({ ok: false, text: describeFailure(error) });
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save({
      enabled: draft.enabled,
      engine: draft.engine,
      minPriority: draft.minPriority,
      repeatCriticalS: draft.repeatCriticalS,
      elevenlabs: { voiceId: draft.elevenlabs.voiceId, modelId: draft.elevenlabs.modelId },
      ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
    });
  };

  return (
    <section className="panel" data-testid="voice-settings-form">
      <h3>Settings</h3>
      {!canEdit && <p className="hint">Read-only: only an administrator changes what the room hears.</p>}
      <form className="stacked-form" onSubmit={submit}>
        <label>
          <input type="checkbox" data-testid="voice-enabled" checked={draft.enabled} disabled={disabled} onChange={(e) => change({ enabled: e.target.checked })} /> Announce alarms
        </label>
        <label>
          Engine{' '}
          <select data-testid="voice-engine" value={draft.engine} disabled={disabled} onChange={(e) => change({ engine: e.target.value as VoiceEngineName })}>
            <option value="offline">offline (this computer's voice)</option>
            <option value="elevenlabs">ElevenLabs (falls back to offline without key or network)</option>
          </select>
        </label>
        <label>
          Announce priorities down to{' '}
          <select data-testid="voice-min-priority" value={draft.minPriority} disabled={disabled} onChange={(e) => change({ minPriority: e.target.value as VoicePriority })}>
            {VOICE_PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Repeat unacknowledged critical alarms every{' '}
          <input type="number" data-testid="voice-repeat" min={30} max={3600} step={1} value={draft.repeatCriticalS} disabled={disabled} onChange={(e) => change({ repeatCriticalS: Number(e.target.value) })} /> s
        </label>
        <label>
          ElevenLabs voice id <input size={30} data-testid="voice-voice-id" value={draft.elevenlabs.voiceId} disabled={disabled} onChange={(e) => change({ elevenlabs: { ...draft.elevenlabs, voiceId: e.target.value } })} />
        </label>
        <label>
          ElevenLabs model id <input size={30} data-testid="voice-model-id" value={draft.elevenlabs.modelId} disabled={disabled} onChange={(e) => change({ elevenlabs: { ...draft.elevenlabs, modelId: e.target.value } })} />
        </label>
        <p data-testid="voice-key-state">
          ElevenLabs API key: <strong>{settings.elevenlabs.hasApiKey ? 'stored' : 'none'}</strong>
        </p>
        {canEdit && (
          <label>
            New API key <input type="password" size={30} autoComplete="off" data-testid="voice-api-key" value={apiKey} disabled={busy} onChange={(e) => setApiKey(e.target.value)} placeholder="leave empty to keep" />
          </label>
        )}
        {canEdit && (
          <p>
            <button type="submit" data-testid="voice-save" disabled={busy}>
              Save
            </button>{' '}
            {settings.elevenlabs.hasApiKey && (
              <button type="button" data-testid="voice-remove-key" disabled={busy} onClick={() => void save({ apiKey: null })}>
                Remove API key
              </button>
            )}
          </p>
        )}
        {message && (
          <p className={message.ok ? 'hint' : 'form-error'} role={message.ok ? 'status' : 'alert'} data-testid="voice-save-result">
            {message.text}
          </p>
        )}
      </form>
    </section>
  );
}

function TestPhrase() {
  const { call } = useServices();
  const canTest = useAllowed('voice.test');
  const [text, setText] = useState('');
  const [priority, setPriority] = useState<VoicePriority>('high');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    call('voice.test', { priority, ...(text.trim() ? { text: text.trim() } : {}) }).then(
      () => setResult({ ok: true, text: 'Queued: it plays in the room and appears in the log below.' }),
      (error: unknown) => setResult({ ok: false, text: describeFailure(error) }),
    );
  };

  return (
    <section className="panel" data-testid="voice-test">
      <h3>Test</h3>
      <form className="filter-bar" onSubmit={submit}>
        <input data-testid="voice-test-text" value={text} maxLength={200} size={50} onChange={(e) => setText(e.target.value)} placeholder="Phrase (empty: the standard test phrase)" disabled={!canTest} />
        <select value={priority} onChange={(e) => setPriority(e.target.value as VoicePriority)} disabled={!canTest} aria-label="priority">
          {VOICE_PRIORITIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <button type="submit" data-testid="voice-test-button" disabled={!canTest} title={canTest ? undefined : 'Needs the operator role or higher'}>
          Speak test phrase
        </button>
      </form>
      {result && (
        <p className={result.ok ? 'hint' : 'form-error'} role={result.ok ? 'status' : 'alert'} data-testid="voice-test-result">
          {result.text}
        </p>
      )}
    </section>
  );
}

function VoiceLog() {
  const { call, bridge, preferences } = useServices();
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const [entries, setEntries] = useState<VoiceLogEntry[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  // Every phrase sent to the room is a voice event, and then a log row.
  useEffect(() => subscribeEvents(bridge, { voice: () => setTick((t) => t + 1) }), [bridge]);
  useEffect(() => {
    let live = true;
    call('voice.log', { limit: LOG_ROWS }).then(
      (answer) => live && (setEntries(answer.entries), setFailure(null)),
      (error: unknown) => live && setFailure(describeFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [call, tick]);

  return (
    <section className="panel" data-testid="voice-log">
      <h3>Voice log</h3>
      {failure && <p className="unknown-note">Not available ({failure})</p>}
      {entries?.length === 0 && <p className="unknown-note">Nothing announced yet.</p>}
      {entries && entries.length > 0 && (
        <table className="data-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Priority</th>
              <th>Text</th>
              <th>Engine</th>
              <th className="num">Latency ms</th>
              <th className="num">Length s</th>
              <th>Problem</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="voice-log-row">
                <td>{formatDateTime(e.at, utc)}</td>
                <td>{e.priority}</td>
                <td>{e.text}</td>
                <td>
                  {e.engine ?? 'renderer voice'}
                  {e.cached ? ' (cached)' : ''}
                </td>
                <td className="num">{Math.round(e.latencyMs)}</td>
                <td className="num">{e.durationMs === null ? '—' : (e.durationMs / 1000).toFixed(1)}</td>
                <td>{e.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
