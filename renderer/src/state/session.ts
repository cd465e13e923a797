import { createStore } from 'zustand/vanilla';
import type { User } from '../../../common/contract';
import { CallError, describeFailure, type Caller } from '../transport/client';
import { TOKEN_REFUSALS, type TokenStore } from '../transport/session-token';

/** locked: the session lives on (alarm and voice events keep arriving) but the screen waits for the password. */
export type SessionStatus = 'starting' | 'unreachable' | 'needsSetup' | 'loggedOut' | 'loggedIn' | 'locked';

export interface SessionState {
  status: SessionStatus;
  user: User | null;
  token: string | null;
  /** Shown above the login form, e.g. why the session ended. */
  notice: string | null;
  /** The host asks the first-run setup for the token it printed at start (the headless host). */
  setupTokenRequired: boolean;
  start(): Promise<void>;
  /** setup and login throw the CallError so the form can explain it. */
  setup(username: string, password: string, setupToken?: string): Promise<void>;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** The host no longer accepts this session. */
  expire(): void;
  /** Locks this session on the host now (the Lock button), and this screen in any case. */
  lock(): Promise<void>;
  /** Throws the CallError of a wrong password so the lock screen can say so. */
  unlock(password: string): Promise<void>;
  /** A call was refused with 'locked': the host locked the session after the idle time. */
  lockedByHost(): void;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

const signedOut = { status: 'loggedOut', user: null, token: null } as const;

export function createSessionStore(call: Caller, tokens: TokenStore) {
  return createStore<SessionState>()((set, get) => {
    const adopt = (session: { user: User; token: string }) => {
      tokens.set(session.token);
      set({ status: 'loggedIn', user: session.user, token: session.token, notice: null });
    };

    const resume = async (token: string): Promise<boolean> => {
      try {
        adopt(await call('auth.resume', { token }));
        return true;
      } catch (error) {
        if (!(error instanceof CallError && TOKEN_REFUSALS.has(error.code))) throw error;
        tokens.clear();
        return false;
      }
    };

    return {
      status: 'starting',
      user: null,
      token: null,
      notice: null,
      setupTokenRequired: false,
      start: async () => {
        try {
          const state = await call('auth.state', {});
          if (state.needsSetup) {
            tokens.clear();
            set({ status: 'needsSetup', user: null, token: null, setupTokenRequired: state.setupTokenRequired === true });
            return;
          }
          if (state.user) {
            set({ status: state.locked ? 'locked' : 'loggedIn', user: state.user, token: tokens.get(), notice: null });
            return;
          }
          const token = tokens.get();
          if (token && (await resume(token))) return;
          set(signedOut);
        } catch (error) {
          set({ status: 'unreachable', notice: describeFailure(error) });
        }
      },
      setup: async (username, password, setupToken) => adopt(await call('auth.setup', { username, password, ...(setupToken ? { setupToken } : {}) })),
      login: async (username, password) => adopt(await call('auth.login', { username, password })),
      logout: async () => {
        try {
          await call('auth.logout', {});
        } catch {
          // Logging out here must always work; the host drops the session on its own expiry.
        } finally {
          tokens.clear();
          set({ ...signedOut, notice: null });
        }
      },
      expire: () => {
        tokens.clear();
        set({ ...signedOut, notice: 'Your session has ended. Please log in again.' });
      },
      lock: async () => {
        try {
          await call('auth.lock', {});
        } catch (error) {
          if (error instanceof CallError && error.code === 'unauthenticated') {
            get().expire();
            return;
          }
          // A console must lock even when the host cannot hear it; unlocking checks the password with the host.
        }
        if (get().status === 'loggedIn') set({ status: 'locked' });
      },
      unlock: async (password) => {
        try {
          await call('auth.unlock', { password });
        } catch (error) {
          // A wrong password and an ended session both answer 'unauthenticated'; auth.state tells them apart.
          if (error instanceof CallError && error.code === 'unauthenticated') {
            const state = await call('auth.state', {}).catch(() => null);
            if (state && !state.user) get().expire();
          }
          throw error;
        }
        if (get().status === 'locked') set({ status: 'loggedIn' });
      },
      lockedByHost: () => {
        if (get().status === 'loggedIn') set({ status: 'locked' });
      },
    };
  });
}
