/**
 * `electron-vite build` bundles the Electron app without the Electron binary. The build goes to a
 * temporary folder inside the project (same layout as out/, and node_modules in reach) so that it never
 * empties the out/renderer that other tests serve.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import electronViteConfig from '../../electron.vite.config';
import rendererConfig from '../../renderer/vite.config';
import { RUNTIME_V8_FLAGS } from '../../main/v8-flags';
import { MODELS_DIR, readManifest } from '../../main/inference/manifest';
import { openDatabase } from '../../main/store/open-database';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
let tmp: string;
let out: string;
const built = (path: string) => join(out, path);

beforeAll(async () => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  tmp = mkdtempSync(join(root, '.cache', 'build-test-'));
  out = join(tmp, 'out');
  await run(join(root, 'node_modules/.bin/electron-vite'), ['build', '--outDir', out, '--logLevel', 'warn'], {
    cwd: root,
    // Proves the build never needs the binary: a lazy `electron` download would fail offline anyway.
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a built file in a child Node whose `electron` import is a recording stub. */
async function runWithFakeElectron(entry: string): Promise<string> {
  const stub = join(tmp, 'fake-electron.mjs');
  writeFileSync(
    stub,
    `const calls = [];
const done = () => console.log('CALLS ' + JSON.stringify(calls));
const rec = (name, ret) => (...args) => { calls.push(name); return ret; };
// Started with the runtime's V8 flags (npm start passes them) and as a second instance: main()
// quits right after the module has been evaluated.
export const app = { isPackaged: true, commandLine: { getSwitchValue: (name) => (name === 'js-flags' ? ${JSON.stringify(RUNTIME_V8_FLAGS.join(' '))} : '') }, relaunch: rec('relaunch'), requestSingleInstanceLock: rec('requestSingleInstanceLock', false), quit: () => { calls.push('quit'); done(); }, exit: rec('exit') };
export const protocol = { registerSchemesAsPrivileged: (schemes) => calls.push('registerSchemesAsPrivileged:' + schemes.map((s) => s.scheme).join()) };
export const BrowserWindow = class {};
export const ipcMain = {};
export const powerSaveBlocker = {};
export const screen = {};
export const safeStorage = {};
export default { app, protocol, BrowserWindow, ipcMain, powerSaveBlocker, screen, safeStorage };
`,
  );
  writeFileSync(
    join(tmp, 'hooks.mjs'),
    `export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(new URL(`file://${stub}`).href)}, shortCircuit: true };
  return next(specifier, context);
}
`,
  );
  writeFileSync(join(tmp, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
  const { stdout } = await run(process.execPath, ['--import', join(tmp, 'register.mjs'), entry], { cwd: root, timeout: 30_000 });
  return stdout;
}

describe('electron-vite build', () => {
  it('emits the main process, its workers, the preload and the renderer', () => {
    for (const file of ['main/electron.js', 'main/telemetry-writer.worker.js', 'main/history-reader.worker.js', 'main/kpi-reader.worker.js', 'preload/index.cjs', 'renderer/index.html']) {
      expect(existsSync(built(file)), file).toBe(true);
    }
    const html = readFileSync(built('renderer/index.html'), 'utf8');
    // Relative asset URLs: the same build loads from app:// and from the HTTP host.
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src.startsWith('./'), src).toBe(true);
      expect(existsSync(join(built('renderer'), src)), src).toBe(true);
    }
    // No inline script: the CSP (script-src 'self') would block it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('writes the Electron main as ES modules that Node can parse', async () => {
    const mainFiles = [...readdirSync(built('main'), { recursive: true, encoding: 'utf8' })].filter((f) => f.endsWith('.js'));
    expect(mainFiles).toContain('electron.js');
    for (const file of mainFiles) {
      await expect(run(process.execPath, ['--check', built(`main/${file}`)]), file).resolves.toBeDefined();
    }
    const main = readFileSync(built('main/electron.js'), 'utf8');
    expect(main).toMatch(/^import .* from "electron";$/m);
    expect(main).not.toMatch(/\brequire\("electron"\)/);
  });

  it('evaluates the bundled main with every import resolving (Electron stubbed)', async () => {
    const stdout = await runWithFakeElectron(built('main/electron.js'));
    expect(stdout).toContain('CALLS ["registerSchemesAsPrivileged:app","requestSingleInstanceLock","quit"]');
  });

  it('lays out the preload and renderer where main.ts looks for them', () => {
    const main = readFileSync(built('main/electron.js'), 'utf8');
    const preload = main.match(/join\(import\.meta\.dirname, "([^"]*preload[^"]*)"\)/)?.[1];
    const renderer = main.match(/join\(import\.meta\.dirname, "([^"]*renderer[^"]*)"\)/)?.[1];
    expect(preload).toBe('../preload/index.cjs');
    expect(renderer).toBe('../renderer');
    expect(existsSync(join(built('main'), preload!))).toBe(true);
    expect(existsSync(join(built('main'), renderer!, 'index.html'))).toBe(true);
    // The store's worker is found beside the bundle (main/store/writer-worker-url.ts).
    expect(main).toContain('new URL("./telemetry-writer.worker.js", import.meta.url)');
    expect(main).toContain('new URL("./history-reader.worker.js", import.meta.url)');
    expect(main).toContain('new URL("./kpi-reader.worker.js", import.meta.url)');
    // The models' hashes are built in (inside app.asar, under ASAR integrity): main/inference/manifest.ts.
    for (const m of Object.values(readManifest(MODELS_DIR).models)) expect(main).toContain(m.sha256);
  });

  it('starts the built telemetry writer worker in a worker thread', async () => {
    const worker = new Worker(built('main/telemetry-writer.worker.js'), {
      workerData: { dbPath: join(tmp, 'store.db'), busyTimeoutMs: 1000, retention: { rawDays: 1, minuteDays: 1, hourDays: 1 }, pruneEveryMs: 60_000 },
    });
    const messages: { type: string }[] = [];
    const next = () => new Promise<{ type: string }>((resolve, reject) => {
      worker.once('message', (m: { type: string }) => resolve(m));
      worker.once('error', reject);
    });
    try {
      messages.push(await next());
      expect(messages[0]).toEqual({ type: 'ready' });
      worker.postMessage({ type: 'close' });
      messages.push(await next());
      expect(messages[1]).toEqual({ type: 'closed' });
    } finally {
      await worker.terminate();
    }
  });

  it('answers an alarm KPI read from the built KPI reader worker', async () => {
    const dbPath = join(tmp, 'kpis.db');
    openDatabase(dbPath).close();
    const worker = new Worker(built('main/kpi-reader.worker.js'), { workerData: { dbPath } });
    const next = () => new Promise<{ type: string; answer?: unknown }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    try {
      expect(await next()).toEqual({ type: 'ready' });
      const from = Date.UTC(2026, 0, 1);
      worker.postMessage({ type: 'read', id: 1, request: { from, to: from + 3_600_000, now: from + 3_600_000 } });
      expect(await next()).toMatchObject({ type: 'answer', answer: { from, annunciated: 0, floods: [], stale: [] } });
    } finally {
      await worker.terminate();
    }
  });

  it('writes the preload as self-contained CommonJS that requires only electron', () => {
    const code = readFileSync(built('preload/index.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*import[\s{*]/m);
    expect(code).not.toMatch(/^\s*export\s/m);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toContain('import.meta');
    expect([...new Set([...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]))]).toEqual(['electron']);

    // Run it as Electron's sandboxed preload would: a CommonJS wrapper whose require knows only 'electron'.
    const exposed = new Map<string, unknown>();
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: { invoke: async () => null, on: () => undefined, removeListener: () => undefined },
    };
    const required: string[] = [];
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    };
    const module = { exports: {} };
    runInNewContext(`(function (exports, require, module) {\n${code}\n})`, {}, { filename: 'index.cjs' })(module.exports, sandboxRequire, module);
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['factorybrain']);
    expect(Object.keys(exposed.get('factorybrain') as object).sort()).toEqual(['invoke', 'onEvent']);
  });
});

describe('build configuration', () => {
  it('package.json points Electron at the built main', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; type: string };
    expect(pkg.main).toBe('out/main/electron.js');
    expect(pkg.type).toBe('module');
  });

  it('writes to out/ by default, with one renderer config shared with `vite build`', () => {
    const config = electronViteConfig as unknown as {
      main: { build: { outDir: string } };
      preload: { build: { outDir: string } };
      renderer: { root?: string; base?: string; plugins?: unknown[]; build: { outDir: string } };
    };
    expect(config.main.build.outDir).toBe(join(root, 'out/main'));
    expect(config.preload.build.outDir).toBe(join(root, 'out/preload'));
    expect(config.renderer.build.outDir).toBe(join(root, 'out/renderer'));
    expect(config.renderer.root).toBe(rendererConfig.root);
    expect(config.renderer.base).toBe('./');
    expect(config.renderer.plugins).toBe(rendererConfig.plugins);
    // `vite build --config renderer/vite.config.ts` lands in the same folder.
    expect(resolve(rendererConfig.root!, rendererConfig.build!.outDir!)).toBe(join(root, 'out/renderer'));
    expect(dirname(config.renderer.root!)).toBe(root.replace(/\/$/, ''));
  });
});
