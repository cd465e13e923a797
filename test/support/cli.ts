/**
 * The real CLI (bin/factorybrain.mjs) in a child process, as an operator runs it, with its output
 * collected; for integration tests and benchmarks.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { stopProcess } from './processes';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface CliOptions {
  /** Node's own flags, before the script (the V8 flags a benchmark's host runs with). */
  nodeFlags?: readonly string[];
}

export function spawnCli(args: readonly string[], { nodeFlags = [] }: CliOptions = {}) {
  const child = spawn(process.execPath, [...nodeFlags, join(REPO_ROOT, 'bin/factorybrain.mjs'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), (output += d.toString())));
  child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), (output += d.toString())));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Both streams in the order they arrived. */
    get output() {
      return output;
    },
    /** Sends `signal` (SIGKILL after graceMs) and waits for the exit code; a no-op once it has exited. */
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs?: number): Promise<number | null> {
      await stopProcess(child, signal, graceMs);
      return exited;
    },
  };
}
