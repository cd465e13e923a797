/**
 * V8 flags for the process that hosts the runtime: the headless host, the Electron main process and
 * the benchmarks that host it. V8 reads them only when the process starts: npm start and npm run
 * serve put them on Node's command line (package.json is checked against this list by a test),
 * a packaged Electron app relaunches itself once with them, and the benchmarks run themselves
 * again with them. A bare `factorybrain serve` runs without them and says so.
 *
 * --max-semi-space-size=64 (MB; Node 20 grows the young generation to 16 MB): during a backlog the
 * pipeline holds each reading's objects until the next model flush and the writer's next batch,
 * longer than a 16 MB young generation lasts, so every scavenge would copy and promote them. V8
 * grows the young generation only under allocation pressure, so a plant at its normal rate does not
 * use the room. Figures: bench/README.md, 2026-11-27.
 */
import { spawn } from 'node:child_process';

export const RUNTIME_V8_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** Whether this Node process was started with every runtime flag, on its command line or in NODE_OPTIONS. */
export function hasRuntimeV8Flags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env['NODE_OPTIONS'] ?? ''): boolean {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return RUNTIME_V8_FLAGS.every((flag) => given.includes(flag));
}

/**
 * The --js-flags value an Electron main process must be started with, given the one it has
 * (app.commandLine.getSwitchValue('js-flags'), '' when none); null when it already has them all.
 * Electron applies js-flags set at run time to renderers only.
 */
export function jsFlagsToRelaunchWith(current: string): string | null {
  const have = current.split(/\s+/).filter(Boolean);
  const missing = RUNTIME_V8_FLAGS.filter((flag) => !have.includes(flag));
  return missing.length === 0 ? null : [...have, ...missing].join(' ');
}

/**
 * Runs `script` with `args` again in a child Node process that has the runtime flags (and this
 * process's own execArgv, such as a loader), sharing stdio and passing on SIGINT and SIGTERM.
 * Resolves with the child's exit code.
 */
export function rerunWithRuntimeV8Flags(script: string, args: readonly string[], spawnChild: typeof spawn = spawn): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(process.execPath, [...process.execArgv, ...RUNTIME_V8_FLAGS, script, ...args], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt).on('SIGTERM', onTerm);
    const done = () => process.off('SIGINT', onInt).off('SIGTERM', onTerm);
    child.once('error', (err) => {
      done();
      reject(err);
    });
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
