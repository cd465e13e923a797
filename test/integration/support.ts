/** Small helpers shared by the integration tests: polling, temp dirs, logged-in dispatch, child processes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallName, CallRequest, CallResponse } from '../../common/contract';
import type { Connection } from '../../main/ipc/router';
import type { Runtime } from '../../main/runtime';

/** The real CLI in a child process; it lives in test/support/ since the benchmarks spawn it too. */
export { spawnCli } from '../support/cli';

export const PASSWORD = 'correct-horse-battery';

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Polls until `check` returns something truthy and returns it; fails naming `what` after timeoutMs. */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, intervalMs = 25): Promise<Truthy<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A fresh temp dir; `cleanup` removes every dir made so far. */
export function tempDirs(prefix: string) {
  const made: string[] = [];
  return {
    make(): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    cleanup(): void {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A short unique name usable as a topic segment and a Sparkplug group. */
export const uniqueName = (prefix: string) => `${prefix}${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`;

type RuntimeLike = Pick<Runtime, 'dispatch'>;

/** Calls through the contract and returns the data, or throws with the call error. */
export async function call<N extends CallName>(runtime: RuntimeLike, connection: Connection, name: N, request: CallRequest<N>): Promise<CallResponse<N>> {
  const result = await runtime.dispatch(connection, name, request);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
  return result.data as CallResponse<N>;
}

/** A new connection with the first administrator created on it (first run of a data dir). */
export async function setupAdmin(runtime: RuntimeLike, username = 'admin'): Promise<Connection> {
  const connection: Connection = { token: null, transport: 'ws' };
  await call(runtime, connection, 'auth.setup', { username, password: PASSWORD });
  return connection;
}
