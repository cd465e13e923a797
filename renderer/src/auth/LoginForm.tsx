import { useState, type FormEvent } from 'react';
import { describeLoginFailure } from './messages';
import { FormError } from '../shell/FormError';

interface Props {
  onSubmit(username: string, password: string): Promise<void>;
  notice?: string | null;
}

export function LoginForm({ onSubmit, notice }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setBusy(true);
    try {
      await onSubmit(username.trim(), password);
    } catch (error) {
      setFailure(describeLoginFailure(error));
      // A failed attempt should not leave the password behind for the next person at the console.
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <form className="auth-form" onSubmit={(event) => void submit(event)}>
      <h1>FactoryBrain</h1>
      {notice && <p className="notice" data-testid="login-notice">{notice}</p>}
      <label>
        Username
        <input data-testid="login-username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
      </label>
      <label>
        Password
        <input data-testid="login-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <FormError message={failure} testId="login-error" />
      <button type="submit" data-testid="login-submit" disabled={busy}>
        Log in
      </button>
    </form>
  );
}
