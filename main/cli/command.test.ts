import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SIGNAL_ECHO_MS } from './command';

const dir = mkdtempSync(join(tmpdir(), 'fb-signal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that waits for untilSignal(), then takes `shutdownMs` to shut down and says so. */
async function stopping(shutdownMs: number) {
  const script = join(dir, `stop-${shutdownMs}.mts`);
  // the interval stands for the server that keeps a real host's event loop alive
  writeFileSync(script, `import { untilSignal } from ${JSON.stringify(join(import.meta.dirname, 'command.ts'))};\nconst alive = setInterval(() => {}, 1000);\nconst signalled = untilSignal();\nprocess.stdout.write('ready\\n');\nconst s = await signalled;\nawait new Promise((r) => setTimeout(r, ${shutdownMs}));\nclearInterval(alive);\nprocess.stdout.write('stopped on ' + s + '\\n');\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  // Taken from the start: a child that exits before a test waits for it must not be waited for forever.
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  exit.catch(() => undefined);
  child.once('exit', () => (exited = true));
  while (!out.includes('ready')) {
    if (exited) throw new Error('the stopping process exited before it was ready');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, out: () => out, exit };
}

// Each test starts a Node process through tsx; on a loaded CI machine (two cores, several test files
// at once) that start alone has taken most of the default 30 s, so these tests get their own limit.
const CHILD_TEST_MS = 120_000;

describe('untilSignal', () => {
  it('takes the same stop request arriving twice within a moment (process group and npm start) as one, and shuts down cleanly', async () => {
    const { child, out, exit } = await stopping(500);
    child.kill('SIGINT');
    // a second SIGINT sent at once would merge with the first while it is pending
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const [code, signal] = await exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(out()).toContain('stopped on SIGINT');
  }, CHILD_TEST_MS);

  it('lets a second Ctrl-C after the echo window end a shutdown that hangs', async () => {
    const { child, out, exit } = await stopping(60_000);
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, SIGNAL_ECHO_MS + 300));
    // On a loaded machine the child may close its echo window late, so the Ctrl-C is pressed again
    // until it takes: each one after the window ends the process.
    const again = setInterval(() => child.kill('SIGINT'), 250);
    const [code, signal] = await exit;
    clearInterval(again);
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
    expect(out()).not.toContain('stopped');
  }, CHILD_TEST_MS);
});
