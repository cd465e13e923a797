// Layer rules of docs/architecture.md: an import that crosses a layer fails lint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const root = import.meta.dirname;
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const ioLibraries = ['better-sqlite3', 'mqtt', 'aedes', 'onnxruntime-node', 'ws', 'sparkplug-payload', '@elevenlabs/elevenlabs-js'];

/**
 * Relative imports are resolved against the importing file, so a renderer folder that happens to be
 * called "agents" is not mistaken for the top-level agents/ layer.
 */
const layersPlugin = {
  rules: {
    'no-import-from': {
      meta: { type: 'problem', schema: [{ type: 'array', items: { type: 'string' } }] },
      create(context) {
        const forbidden = context.options[0] ?? [];
        const check = (node) => {
          const source = node.source?.value;
          if (typeof source !== 'string' || !source.startsWith('.')) return;
          const target = relative(root, resolve(dirname(context.filename), source)).split(sep)[0];
          const owner = relative(root, context.filename).split(sep)[0];
          if (forbidden.includes(target)) context.report({ node: node.source, message: `${source} crosses a layer: ${owner}/ may not import from ${target}/ (docs/architecture.md)` });
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

/**
 * The levels of main/, top to bottom: a file on one level may import its own level and the levels
 * below, never one above. The hosts and the composition root sit on top; under them the data path runs
 * ingest -> pipeline -> inference / alarms -> store, and each stage knows only the stages after it.
 * Folders on no level (voice, auth, shiftlog, ...) are services the hosts wire; the stages do not
 * import them upwards through a host either.
 */
const MAIN_LEVELS = [
  // runtime.ts and the parts of the composition root split out of it (runtime-handlers.ts, ...)
  ['main/runtime', 'main/runtime-alarms', 'main/runtime-handlers', 'main/runtime-ingest', 'main/runtime-timers', 'main/cli', 'main/server', 'main/electron'],
  ['main/agents-host', 'main/connectors'],
  ['main/ipc'],
  ['main/ingest', 'main/ingest-modbus', 'main/ingest-opcua'],
  ['main/pipeline'],
  ['main/inference', 'main/alarms'],
  ['main/store'],
  ['main/primitives'],
];
const levelOf = (path) => MAIN_LEVELS.findIndex((level) => level.some((folder) => path === folder || path.startsWith(`${folder}/`)));

const stagesPlugin = {
  rules: {
    'no-upward-import': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const owner = relative(root, context.filename).split(sep).join('/');
        const from = levelOf(owner);
        const check = (node) => {
          const source = node.source?.value;
          if (from < 0 || typeof source !== 'string' || !source.startsWith('.')) return;
          const target = relative(root, resolve(dirname(context.filename), source)).split(sep).join('/').replace(/\.[cm]?[jt]sx?$/, '');
          const to = levelOf(target);
          if (to >= 0 && to < from) context.report({ node: node.source, message: `${source} imports upwards: ${MAIN_LEVELS[from].join(', ')} may not import from ${MAIN_LEVELS[to].join(', ')} (eslint.config.js MAIN_LEVELS)` });
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

const restrict = (packages, folders) => ({
  'no-restricted-imports': ['error', { paths: packages.map((name) => ({ name, message: 'crosses a layer (docs/architecture.md)' })) }],
  'layers/no-import-from': ['error', folders],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.data/**', '.cache/**', 'renderer/dist/**', 'test-results/**'] },
  js.configs.recommended,
  { plugins: { layers: layersPlugin, stages: stagesPlugin } },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['common/**'],
    rules: restrict(['electron', ...nodeBuiltins, ...ioLibraries, 'react'], ['main', 'renderer', 'preload', 'agents']),
  },
  {
    files: ['agents/**'],
    rules: restrict(['electron', ...nodeBuiltins, ...ioLibraries, 'react'], ['main', 'renderer', 'preload']),
  },
  {
    files: ['main/**'],
    ignores: ['main/electron/**'],
    rules: restrict(['electron'], ['renderer', 'preload']),
  },
  {
    files: ['main/electron/**'],
    rules: restrict([], ['renderer', 'preload']),
  },
  {
    files: ['main/**'],
    // A file past 400 lines holds more than one thing to name (issue 21); tests may run longer.
    rules: { 'stages/no-upward-import': 'error', 'max-lines': ['error', { max: 400 }] },
  },
  {
    files: ['main/**/*.test.ts'],
    rules: { 'max-lines': 'off' },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(['electron', ...nodeBuiltins, ...ioLibraries], ['main', 'preload', 'agents']),
  },
  {
    files: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx', 'renderer/vite.config.ts'],
    rules: { 'no-restricted-imports': 'off', 'layers/no-import-from': 'off' },
  },
  {
    files: ['preload/**'],
    rules: restrict([...nodeBuiltins, ...ioLibraries], ['main', 'renderer', 'agents']),
  },
);
