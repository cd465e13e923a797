#!/usr/bin/env node
/**
 * Electronegativity over the Electron main process and the preload, failing on any HIGH or
 * CRITICAL finding. It runs offline: the Electron version is given (detection reads a packaged
 * app), and the one check that downloads Electron's release list is left out; `npm audit` and
 * Electron upgrades cover known Electron CVEs instead.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(join(dirname(require.resolve('electron/package.json', { paths: [root] })), 'package.json'), 'utf8')).version;
const cli = join(dirname(require.resolve('@doyensec/electronegativity/package.json', { paths: [root] })), 'dist/index.js');

// Global checks (navigation limits, permission handler) need the main process and the preload in one scan.
const stage = mkdtempSync(join(tmpdir(), 'fb-eneg-'));
try {
  for (const dir of ['main/electron', 'preload']) {
    for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      cpSync(join(root, dir, file), join(stage, dir.replace('/', '-') + '-' + file));
    }
  }
  const csv = join(stage, 'findings.csv');
  execFileSync(process.execPath, [cli, '-i', stage, '-e', electronVersion, '-x', 'availablesecurityfixesglobalcheck', '-r', '-v', 'false', '-o', csv], { stdio: 'ignore', timeout: 120_000 });
  const findings = readFileSync(csv, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => /^[A-Z_]+,"/.test(line))
    .map((line) => {
      const [id, severity, confidence, file, location] = line.split(',').map((f) => f.replace(/^"|"$/g, ''));
      return { id, severity, confidence, file, location };
    });
  for (const f of findings) console.log(`${f.severity.padEnd(13)} ${f.id} ${f.file}:${f.location}`);
  const high = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL');
  console.log(`electronegativity (Electron ${electronVersion}): ${findings.length} findings, ${high.length} high or critical`);
  process.exitCode = high.length > 0 ? 1 : 0;
} finally {
  rmSync(stage, { recursive: true, force: true });
}
