import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRuntimeV8Flags, jsFlagsToRelaunchWith, RUNTIME_V8_FLAGS, rerunWithRuntimeV8Flags } from './v8-flags';

const dir = mkdtempSync(join(tmpdir(), 'fb-v8flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runtime V8 flags', () => {
  it('are recognised on a Node command line or in NODE_OPTIONS, only when all are there', () => {
    expect(hasRuntimeV8Flags(['--import', 'tsx'], '')).toBe(false);
    expect(hasRuntimeV8Flags(['--import', 'tsx', ...RUNTIME_V8_FLAGS], '')).toBe(true);
    expect(hasRuntimeV8Flags([], `--enable-source-maps ${RUNTIME_V8_FLAGS.join(' ')}`)).toBe(true);
  });

  it('are the ones npm run serve gives Node', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['serve']).toBe(`node ${RUNTIME_V8_FLAGS.join(' ')} bin/factorybrain.mjs serve`);
  });

  it('give the Electron main process the js-flags it lacks, keeping the ones it was started with', () => {
    expect(jsFlagsToRelaunchWith('')).toBe(RUNTIME_V8_FLAGS.join(' '));
    expect(jsFlagsToRelaunchWith('--expose-gc')).toBe(['--expose-gc', ...RUNTIME_V8_FLAGS].join(' '));
    expect(jsFlagsToRelaunchWith(` ${RUNTIME_V8_FLAGS.join(' ')} --expose-gc`)).toBeNull();
  });

  it('run a script again in a Node child that has them, with its arguments, and give back its exit code', async () => {
    const script = join(dir, 'child.mjs');
    const out = join(dir, 'seen.json');
    writeFileSync(script, "import { writeFileSync } from 'node:fs'; writeFileSync(process.argv[2], JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2) })); process.exit(3);");
    expect(await rerunWithRuntimeV8Flags(script, [out, 'serve', '--port', '0'])).toBe(3);
    const seen = JSON.parse(readFileSync(out, 'utf8')) as { execArgv: string[]; args: string[] };
    expect(hasRuntimeV8Flags(seen.execArgv, '')).toBe(true);
    expect(seen.args).toEqual([out, 'serve', '--port', '0']);
  });
});
