import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/services-context';
import { AlarmBanner } from '../shell/AlarmBanner';
import { describeFailure } from '../transport/client';
import { describeLoginFailure } from './messages';
import { FormError } from '../shell/FormError';

/** auth.state is one of the few calls a locked session may make; it tells a lost host or an ended session. */
const CHECK_MS = 5_000;

/**
 * The locked console: who it belongs to, a password field and a way out. The alarm banner stays,
 * because a locked control-room screen must still show (and the room still hear) new alarms.
 */
export function LockScreen() {
  const { session, health, call } = useServices();
  const user = useStore(session, (s) => s.user);
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const check = () =>
      call('auth.state', {}).then(
        (state) => {
          health.getState().reachable();
          if (!state.user) session.getState().expire();
        },
        (error: unknown) => health.getState().lost(describeFailure(error)),
      );
    const timer = setInterval(() => void check(), CHECK_MS);
    return () => clearInterval(timer);
  }, [call, health, session]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setBusy(true);
    try {
      await session.getState().unlock(password);
    } catch (error) {
      setFailure(describeLoginFailure(error));
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <div className="plant lock-screen" data-testid="lock-screen">
      <AlarmBanner />
      <form className="auth-form" onSubmit={(event) => void submit(event)}>
        <h1>Screen locked</h1>
        <p className="hint">
          This console is locked by <strong data-testid="lock-user">{user?.username ?? 'unknown'}</strong>
          {user ? ` (${user.role})` : ''}. Alarms are still shown and announced.
        </p>
        <label>
          Password
          <input data-testid="unlock-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
        </label>
        <FormError message={failure} testId="unlock-error" />
        <button type="submit" data-testid="unlock-submit" disabled={busy}>
          Unlock
        </button>
        <button type="button" className="secondary" data-testid="lock-logout" onClick={() => void session.getState().logout()}>
          Log out
        </button>
      </form>
    </div>
  );
}
