/**
 * The session token lives in sessionStorage: it survives reloads and reconnects of this window,
 * but not closing it, and it is never shared with another tab or console.
 */
export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

/** Answers to auth.resume that mean the token itself is no good, as opposed to a failing host. */
export const TOKEN_REFUSALS: ReadonlySet<string> = new Set(['unauthenticated', 'bad_request']);

const KEY = 'factorybrain.session';

export function sessionTokenStore(storage: Storage): TokenStore {
  return {
    get: () => storage.getItem(KEY),
    set: (token) => storage.setItem(KEY, token),
    clear: () => storage.removeItem(KEY),
  };
}
