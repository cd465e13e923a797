import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatic } from './static-files';

const INDEX = '<!doctype html><title>FactoryBrain</title><div id="root"></div>';
let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'fb-static-'));
  root = join(base, 'site');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(join(root, 'assets', 'alarm.wav'), 'RIFF');
  writeFileSync(join(root, 'assets', 'blob.xyz'), 'x');
  // A file beside the build that no URL may reach.
  writeFileSync(join(base, 'secret.txt'), 'SECRET');
  mkdirSync(join(base, 'site-evil'));
  writeFileSync(join(base, 'site-evil', 'index.html'), 'EVIL');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('readStatic', () => {
  it('serves files with their content types', async () => {
    const cases: [string, string][] = [
      ['/index.html', 'text/html; charset=utf-8'],
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.css', 'text/css; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
      ['/assets/alarm.wav', 'audio/wav'],
      ['/assets/blob.xyz', 'application/octet-stream'],
    ];
    for (const [path, type] of cases) expect((await readStatic(root, path))?.type, path).toBe(type);
    expect((await readStatic(root, '/assets/app.js'))!.body.toString()).toBe('console.log(1)');
  });

  it('serves the relatively linked assets of a page opened at a client route', async () => {
    expect((await readStatic(root, '/wallboard/assets/app.js'))!.body.toString()).toBe('console.log(1)');
    expect((await readStatic(root, '/wallboard/north/assets/app.css'))?.type).toBe('text/css; charset=utf-8');
    expect((await readStatic(root, '/wallboard/assets/missing.js'))?.type).toBe('text/html; charset=utf-8');
  });

  it('serves index.html for / and for client-side routes', async () => {
    for (const path of ['/', '/wallboard/north', '/wallboard/north?screen=2', '/machines/press-01/history', '/assets', '/assets/']) {
      const file = await readStatic(root, path);
      expect(file?.type, path).toBe('text/html; charset=utf-8');
      expect(file!.body.toString(), path).toBe(INDEX);
    }
  });

  it('decodes percent-encoding inside the folder', async () => {
    expect((await readStatic(root, '/assets/%61pp.js'))!.body.toString()).toBe('console.log(1)');
  });

  it('refuses paths that escape the folder, plain or encoded', async () => {
    for (const path of [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%2fsecret.txt',
      // A sibling folder whose name starts with the root's name is still outside it.
      '/../site-evil/index.html',
    ]) {
      expect(await readStatic(root, path), path).toBeNull();
    }
  });

  it('refuses NUL bytes and malformed encoding', async () => {
    for (const path of ['/index.html%00', '/index.html%00.js', '/%00', '/assets/app.js\0', '/%E0%A4%A', '/%']) {
      expect(await readStatic(root, path), JSON.stringify(path)).toBeNull();
    }
  });

  it('works with a relative or unnormalized root', async () => {
    for (const r of [relative(process.cwd(), root), `./${relative(process.cwd(), root)}`, join(base, 'x', '..', 'site'), `${root}/`]) {
      expect((await readStatic(r, '/assets/app.js'))?.body.toString(), r).toBe('console.log(1)');
      expect(await readStatic(r, '/../secret.txt'), r).toBeNull();
    }
  });

  it('returns null when the build is missing', async () => {
    expect(await readStatic(join(base, 'no-such-build'), '/')).toBeNull();
    expect(await readStatic(join(base, 'no-such-build'), '/wallboard/north')).toBeNull();
  });
});
