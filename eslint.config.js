// Layer rules of ../shared/DESIGN.md: an import that crosses a layer fails lint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const ioLibraries = ['better-sqlite3', 'mqtt', 'aedes', 'onnxruntime-node', 'ws', 'sparkplug-payload', '@elevenlabs/elevenlabs-js'];
const folder = (name) => [`**/${name}`, `**/${name}/**`, `../${name}/**`];

const restrict = (paths, patterns) => ({
  'no-restricted-imports': ['error', { paths: paths.map((name) => ({ name, message: 'crosses a layer (DESIGN.md)' })), patterns: patterns.map((group) => ({ group: [group], message: 'crosses a layer (DESIGN.md)' })) }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.data/**', 'renderer/dist/**', 'test-results/**'] },
  js.configs.recommended,
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
    rules: restrict(['electron', ...nodeBuiltins, ...ioLibraries, 'react'], [...folder('main'), ...folder('renderer'), ...folder('preload'), ...folder('agents')]),
  },
  {
    files: ['agents/**'],
    rules: restrict(['electron', ...nodeBuiltins, ...ioLibraries, 'react'], [...folder('main'), ...folder('renderer'), ...folder('preload')]),
  },
  {
    files: ['main/**'],
    ignores: ['main/electron/**'],
    rules: restrict(['electron'], [...folder('renderer'), ...folder('preload')]),
  },
  {
    files: ['main/electron/**'],
    rules: restrict([], [...folder('renderer'), ...folder('preload')]),
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(['electron', ...nodeBuiltins, ...ioLibraries], [...folder('main'), ...folder('preload'), ...folder('agents')]),
  },
  {
    files: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx', 'renderer/vite.config.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['preload/**'],
    rules: restrict([...nodeBuiltins, ...ioLibraries], [...folder('main'), ...folder('renderer'), ...folder('agents')]),
  },
);
