import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// A plain .mjs script without type declarations: imported by URL and typed here.
const { findElectron } = (await import(new URL('./electron-runtime.mjs', import.meta.url).href)) as {
  findElectron(pkgDir?: string): { binary: string; version: string } | null;
};

const dirs: string[] = [];
function fakeElectronPackage(opts: { pathTxt?: string; binary?: string; version?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'fb-electron-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: opts.version ?? '45.5.0' }));
  if (opts.pathTxt !== undefined) writeFileSync(join(dir, 'path.txt'), opts.pathTxt);
  if (opts.binary !== undefined) {
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', opts.binary), '#!/bin/sh\n');
    chmodSync(join(dir, 'dist', opts.binary), 0o755);
  }
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('findElectron', () => {
  it('finds no runtime on this machine (the binary is never downloaded here)', () => {
    expect(findElectron()).toBeNull();
  });

  it('returns the binary and version of an installed package', () => {
    const dir = fakeElectronPackage({ pathTxt: 'electron', binary: 'electron', version: '45.5.0' });
    expect(findElectron(dir)).toEqual({ binary: join(dir, 'dist', 'electron'), version: '45.5.0' });
  });

  it('follows path.txt, trimming its newline (macOS app bundle layout)', () => {
    const dir = fakeElectronPackage({ pathTxt: 'Electron.app/Contents/MacOS/Electron\n' });
    mkdirSync(join(dir, 'dist', 'Electron.app/Contents/MacOS'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'Electron.app/Contents/MacOS/Electron'), '');
    expect(findElectron(dir)?.binary).toBe(join(dir, 'dist', 'Electron.app/Contents/MacOS/Electron'));
  });

  it('returns null for a package without path.txt or without the binary', () => {
    expect(findElectron(fakeElectronPackage())).toBeNull();
    expect(findElectron(fakeElectronPackage({ pathTxt: 'electron' }))).toBeNull();
    expect(findElectron(fakeElectronPackage({ pathTxt: 'electron', binary: 'other' }))).toBeNull();
    expect(findElectron(join(tmpdir(), 'fb-no-such-electron-package'))).toBeNull();
  });
});
