import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimDataDir, runningInstance } from './run-lock';

const dir = () => mkdtempSync(join(tmpdir(), 'fb-lock-'));

describe('run lock', () => {
  it('refuses a second claim in the same process and frees the directory on release', () => {
    const d = dir();
    const release = claimDataDir(d);
    expect(() => claimDataDir(d)).toThrow(/already running/);
    release();
    claimDataDir(d)();
  });

  it('sees another live process and ignores a PID file left by a dead one', () => {
    const d = dir();
    writeFileSync(join(d, 'factorybrain.pid'), String(process.ppid));
    expect(runningInstance(d)).toBe(process.ppid);
    expect(() => claimDataDir(d)).toThrow(String(process.ppid));
    writeFileSync(join(d, 'factorybrain.pid'), '999999999');
    expect(runningInstance(d)).toBeNull();
    claimDataDir(d)();
  });
});
