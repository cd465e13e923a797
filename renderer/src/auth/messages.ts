import { calls } from '../../../common/contract';
import { CallError, describeFailure } from '../transport/client';

/** Login failures in the words an operator needs: what happened and what to do. */
export function describeLoginFailure(error: unknown): string {
  if (!(error instanceof CallError)) return describeFailure(error);
  switch (error.code) {
    case 'unauthenticated':
      return 'Wrong username or password.';
    case 'rate_limited':
      return withDetail('This account is locked after too many failed attempts. Wait, or ask an administrator.', error.message);
    case 'forbidden':
      return withDetail('This account may not log in.', error.message);
    case 'disconnected':
      return 'Cannot reach the FactoryBrain host. Check that it is running, then try again.';
    default:
      return describeFailure(error);
  }
}

const withDetail = (headline: string, detail: string) => (detail ? `${headline} (${detail})` : headline);

export type SetupErrors = Partial<Record<'setupToken' | 'username' | 'password' | 'confirm', string>>;

/** Checks the first-run form with the contract's own rules, so the host cannot disagree. */
export function validateSetup(username: string, password: string, confirm: string): SetupErrors {
  const errors: SetupErrors = {};
  const parsed = calls['auth.setup'].request.safeParse({ username, password });
  for (const issue of parsed.error?.issues ?? []) {
    const field = issue.path[0];
    if ((field === 'username' || field === 'password') && !errors[field]) errors[field] = issueText(issue);
  }
  if (password !== confirm) errors.confirm = 'The passwords do not match.';
  return errors;
}

function issueText(issue: { code: string; message: string; minimum?: unknown; maximum?: unknown }): string {
  if (issue.code === 'too_small') return `At least ${String(issue.minimum)} characters.`;
  if (issue.code === 'too_big') return `At most ${String(issue.maximum)} characters.`;
  return `Only ${issue.message}.`;
}
