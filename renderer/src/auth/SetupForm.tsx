import { useState, type FormEvent } from 'react';
import { describeFailure } from '../transport/client';
import { validateSetup, type SetupErrors } from './messages';
import { FormError } from '../shell/FormError';

interface Props {
  onSubmit(username: string, password: string, setupToken?: string): Promise<void>;
  /** The headless host printed a setup token at start and accepts the first administrator only with it. */
  tokenRequired?: boolean;
  /** Where the page was opened from: the link the host prints carries the token as `#setup=…`. */
  locationHash?: string;
}

/** The token from a `#setup=…` link, so following the printed link fills it in. */
export const setupTokenFromHash = (hash: string): string => new URLSearchParams(hash.replace(/^#/, '')).get('setup') ?? '';

/** First run: the host has no account at all, and this creates its first administrator. */
export function SetupForm({ onSubmit, tokenRequired = false, locationHash = typeof location === 'undefined' ? '' : location.hash }: Props) {
  const [setupToken, setSetupToken] = useState(() => setupTokenFromHash(locationHash));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<SetupErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validateSetup(username, password, confirm);
    if (tokenRequired && !setupToken.trim()) found.setupToken = 'The setup token printed where FactoryBrain was started.';
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await (tokenRequired ? onSubmit(username.trim(), password, setupToken.trim()) : onSubmit(username.trim(), password));
    } catch (error) {
      setFailure(describeFailure(error));
      setBusy(false);
    }
  };

  return (
    <form className="auth-form" onSubmit={(event) => void submit(event)} noValidate>
      <h1>Create the administrator</h1>
      <p className="hint">This FactoryBrain has no accounts yet. The first account administers users and roles.</p>
      {tokenRequired && (
        <>
          <label>
            Setup token
            <input data-testid="setup-token" autoComplete="off" value={setupToken} onChange={(e) => setSetupToken(e.target.value)} aria-invalid={!!errors.setupToken} />
          </label>
          {errors.setupToken && <p className="field-error" data-testid="setup-token-error">{errors.setupToken}</p>}
        </>
      )}
      <label>
        Username
        <input data-testid="setup-username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} aria-invalid={!!errors.username} />
      </label>
      {errors.username && <p className="field-error" data-testid="setup-username-error">{errors.username}</p>}
      <label>
        Password
        <input data-testid="setup-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={!!errors.password} />
      </label>
      {errors.password && <p className="field-error" data-testid="setup-password-error">{errors.password}</p>}
      <label>
        Confirm password
        <input data-testid="setup-confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-invalid={!!errors.confirm} />
      </label>
      {errors.confirm && <p className="field-error" data-testid="setup-confirm-error">{errors.confirm}</p>}
      <FormError message={failure} testId="setup-error" />
      <button type="submit" data-testid="setup-submit" disabled={busy}>
        Create administrator
      </button>
    </form>
  );
}
