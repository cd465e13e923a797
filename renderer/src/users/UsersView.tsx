import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { calls } from '../../../common/contract';
import type { Account } from '../../../common/contract-users';
import { ROLES, type Role } from '../../../common/roles';
import { formatDateTime } from '../app/time-format';
import { download } from '../app/use-call';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { describeFailure } from '../transport/client';

type Result = { ok: boolean; text: string } | null;
const EXPORT_PAGE = 10_000;

/** Accounts and the audit chain: administrators only (the host refuses everyone else). */
export function UsersView() {
  const { call } = useServices();
  const allowed = useAllowed('users.list');
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const reload = () => setTick((t) => t + 1);

  useEffect(() => {
    if (!allowed) return;
    let live = true;
    call('users.list', {}).then(
      (answer) => live && (setAccounts(answer), setFailure(null)),
      (error: unknown) => live && setFailure(describeFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [call, allowed, tick]);

  if (!allowed) {
    return (
      <main className="settings" data-testid="users">
        <h2 className="view-title">Users</h2>
        <p className="unknown-note">User administration needs the admin role.</p>
      </main>
    );
  }

  return (
    <main className="settings" data-testid="users">
      <h2 className="view-title">Users</h2>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      <CreateUser onCreated={reload} />
      <section className="panel">
        <h3>Accounts</h3>
        {accounts === null && !failure && <p className="unknown-note">Loading…</p>}
        {accounts && (
          <table className="data-table" data-testid="user-table">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Status</th>
                <th>Created</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <UserRow key={a.id} account={a} onChanged={reload} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <AuditPanel />
    </main>
  );
}

/** The contract's own rules for the fields, so the form and the host agree on what is valid. */
function fieldProblem(username: string, password: string): string | null {
  const parsed = calls['users.create'].request.safeParse({ username, password, role: 'viewer' });
  const issue = parsed.error?.issues[0];
  return issue ? `${String(issue.path[0])}: ${issue.message}` : null;
}

function CreateUser({ onCreated }: { onCreated(): void }) {
  const { call } = useServices();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [result, setResult] = useState<Result>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = fieldProblem(username.trim(), password);
    if (problem) return setResult({ ok: false, text: problem });
    try {
      const created = await call('users.create', { username: username.trim(), password, role });
      setResult({ ok: true, text: `Created ${created.username} (${created.role}). Give them the initial password in person.` });
      setUsername('');
      setPassword('');
      onCreated();
    } catch (error) {
      setResult({ ok: false, text: describeFailure(error) });
    }
  };

  return (
    <section className="panel" data-testid="user-create">
      <h3>New account</h3>
      <form className="filter-bar" onSubmit={(e) => void submit(e)}>
        <label>
          Username <input data-testid="user-new-name" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Initial password <input data-testid="user-new-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <label>
          Role{' '}
          <select data-testid="user-new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="user-create-submit">
          Create
        </button>
      </form>
      {result && (
        <p className={result.ok ? 'hint' : 'form-error'} role={result.ok ? 'status' : 'alert'} data-testid="user-create-result">
          {result.text}
        </p>
      )}
    </section>
  );
}

function UserRow({ account, onChanged }: { account: Account; onChanged(): void }) {
  const { call, session, preferences } = useServices();
  const me = useStore(session, (s) => s.user?.id === account.id);
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<Result>(null);

  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      setResult({ ok: true, text: done });
      onChanged();
    } catch (error) {
      setResult({ ok: false, text: describeFailure(error) });
    }
  };

  const resetPassword = (event: FormEvent) => {
    event.preventDefault();
    const problem = fieldProblem(account.username, password);
    if (problem) return setResult({ ok: false, text: problem });
    void act(() => call('users.resetPassword', { id: account.id, password }), 'Password reset.').then(() => {
      setPassword('');
      setResetting(false);
    });
  };

  const locked = account.lockedUntil !== null && account.lockedUntil > Date.now();
  return (
    <tr data-testid="user-row" data-username={account.username}>
      <td>
        <strong>{account.username}</strong>
        {me && ' (you)'}
      </td>
      <td>
        <select
          data-testid="user-role"
          value={account.role}
          // An administrator demoting themselves could leave no one able to undo it.
          disabled={me}
          onChange={(e) => void act(() => call('users.update', { id: account.id, role: e.target.value as Role }), 'Role changed; it applies from their next login.')}
        >
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </td>
      <td data-testid="user-status">{account.disabled ? 'disabled' : locked ? `locked out until ${formatDateTime(account.lockedUntil, utc)}` : 'active'}</td>
      <td>{formatDateTime(account.createdAt, utc)}</td>
      <td className="row-actions">
        <button type="button" data-testid="user-disable" disabled={me} onClick={() => void act(() => call('users.disable', { id: account.id, disabled: !account.disabled }), account.disabled ? 'Enabled.' : 'Disabled; their sessions end.')}>
          {account.disabled ? 'Enable' : 'Disable'}
        </button>
        {resetting ? (
          <form className="inline-form" onSubmit={resetPassword}>
            <input type="password" autoComplete="new-password" data-testid="user-reset-password" value={password} onChange={(e) => setPassword(e.target.value)} placeholder="new password" required autoFocus />
            <button type="submit" data-testid="user-reset-confirm">
              Set
            </button>
            <button type="button" onClick={() => setResetting(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button type="button" data-testid="user-reset" onClick={() => setResetting(true)}>
            Reset password…
          </button>
        )}
        {result && (
          <span className={result.ok ? 'hint' : 'form-error'} role={result.ok ? 'status' : 'alert'} data-testid="user-row-result">
            {' '}
            {result.text}
          </span>
        )}
      </td>
    </tr>
  );
}

function AuditPanel() {
  const { call } = useServices();
  const [result, setResult] = useState<Result>(null);
  const [busy, setBusy] = useState(false);

  const verify = async () => {
    setBusy(true);
    try {
      const v = await call('audit.verify', {});
      const text = v.ok
        ? `Chain intact: ${v.rows} records${v.unchained ? `, ${v.unchained} from before chaining` : ''}.`
        : `Chain BROKEN at record ${v.firstBroken?.id ?? '?'}: ${v.firstBroken?.reason ?? 'unknown reason'}. ${v.rows} records checked.`;
      setResult({ ok: v.ok, text });
    } catch (error) {
      setResult({ ok: false, text: describeFailure(error) });
    } finally {
      setBusy(false);
    }
  };

  const exportAll = async () => {
    setBusy(true);
    try {
      const records: unknown[] = [];
      let afterId: number | undefined;
      for (;;) {
        const page = await call('audit.export', { limit: EXPORT_PAGE, ...(afterId === undefined ? {} : { afterId }) });
        records.push(...page);
        if (page.length < EXPORT_PAGE) break;
        afterId = page[page.length - 1]!.id;
      }
      // JSON keeps each record's detail and hash exactly as chained, so the file verifies away from the plant.
      download({ filename: `audit-${new Date().toISOString().slice(0, 10)}.json`, mime: 'application/json', encoding: 'utf8', content: JSON.stringify(records, null, 1) });
      setResult({ ok: true, text: `Exported ${records.length} records.` });
    } catch (error) {
      setResult({ ok: false, text: describeFailure(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" data-testid="audit">
      <h3>Audit log</h3>
      <p className="hint">Every audited action is chained to the one before by its hash; verifying walks the whole chain.</p>
      <button type="button" data-testid="audit-verify" disabled={busy} onClick={() => void verify()}>
        Verify chain
      </button>{' '}
      <button type="button" data-testid="audit-export" disabled={busy} onClick={() => void exportAll()}>
        Export (JSON)
      </button>
      {result && (
        <p className={result.ok ? 'hint' : 'form-error'} role={result.ok ? 'status' : 'alert'} data-testid="audit-result">
          {result.text}
        </p>
      )}
    </section>
  );
}
