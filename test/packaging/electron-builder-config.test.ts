/**
 * electron-builder.yml checked offline: building an installer needs downloads, reading and validating
 * the configuration does not. js-yaml, app-builder-lib, builder-util and minimatch come with electron-builder.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface BuilderYml {
  files: string[];
  asarUnpack: string[];
  directories: { output: string; buildResources: string };
  electronFuses: Record<string, boolean>;
  win: { target: unknown };
  linux: { target: unknown };
  mac: { target: unknown };
  extraResources?: unknown;
  extraFiles?: unknown;
  [key: string]: unknown;
}
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderYml;

const targetNames = (target: unknown): string[] =>
  (Array.isArray(target) ? target : [target]).map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));

/** electron-builder's rule for `files`: patterns in order, the last one that matches decides. */
function packed(path: string, patterns: string[]): boolean {
  let included = false;
  for (const pattern of patterns) {
    const negate = pattern.startsWith('!');
    if (minimatch(path, negate ? pattern.slice(1) : pattern, { dot: true })) included = !negate;
  }
  return included;
}

describe('electron-builder.yml', () => {
  it('is accepted by electron-builder: loaded by its own loader and valid against its JSON schema', async () => {
    const loaded = await getConfig(root, null, null);
    expect(loaded.appId).toBe(config['appId']);
    await expect(validateConfiguration(structuredClone(loaded), new DebugLogger(false))).resolves.toBeUndefined();
    // The validator is not vacuous: a misspelt fuse fails it.
    const typo = { ...structuredClone(loaded), electronFuses: { runAsNod: false } } as never;
    await expect(validateConfiguration(typo, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('builds NSIS on Windows, AppImage and deb on Linux, dmg on macOS', () => {
    expect(targetNames(config.win.target)).toEqual(['nsis']);
    expect(targetNames(config.linux.target).sort()).toEqual(['AppImage', 'deb']);
    expect(targetNames(config.mac.target)).toEqual(['dmg']);
    expect(config['appId']).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i);
    expect(config['productName']).toBe('FactoryBrain');
  });

  it('unpacks the native addons and the models from the asar archive', () => {
    for (const file of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll',
      // onnxruntime's native loader opens model files itself and cannot read inside app.asar
      'models/manifest.json',
      'models/anomaly.onnx',
    ]) {
      expect(config.asarUnpack.some((p) => minimatch(file, p, { dot: true })), file).toBe(true);
    }
  });

  it('packs the build, models and assets, and nothing else of the repository', () => {
    for (const pattern of ['out/**', 'models/**', 'assets/**']) expect(config.files).toContain(pattern);
    for (const path of ['out/main/electron.js', 'out/main/telemetry-writer.worker.js', 'out/main/chunks/open-database-x.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index-x.js', 'models/manifest.json', 'models/anomaly.onnx', 'assets/voice/alarm.wav', 'package.json']) {
      expect(packed(path, config.files), path).toBe(true);
    }
    for (const path of ['main/runtime.ts', 'renderer/src/main.tsx', 'test/e2e/app.test.ts', 'bench/ingest.ts', 'out/main/electron.js.map', 'out/main/x.test.js', '.data/factorybrain.db', '.cache/electron-native/better_sqlite3.node', 'data/plant.csv', 'node_modules/.bin/tsx']) {
      expect(packed(path, config.files), path).toBe(false);
    }
  });

  it('never reaches the datasets outside the app (../shared, data/)', () => {
    const everything = JSON.stringify({ files: config.files, asarUnpack: config.asarUnpack, extraResources: config.extraResources ?? null, extraFiles: config.extraFiles ?? null, directories: config.directories });
    expect(everything).not.toMatch(/\.\.\//);
    expect(everything).not.toContain('shared');
    for (const pattern of config.files.filter((p) => !p.startsWith('!'))) {
      expect(pattern, pattern).not.toMatch(/(^|\/)\.?data(\/|$)/);
      expect(pattern.startsWith('/'), pattern).toBe(false);
    }
    expect(config.extraResources ?? []).toEqual([]);
    expect(config.extraFiles ?? []).toEqual([]);
  });

  it('sets the Electron fuses that close the Node back doors', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config['asar']).not.toBe(false); // the asar fuses mean nothing without an archive
  });
});
