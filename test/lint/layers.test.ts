/** The layer rules of docs/architecture.md, checked by linting one-line files placed in each layer. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const x = y;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'layers/no-import-from').map((m) => m.message);
}

const cases: [string, string, boolean][] = [
  ['common/x.ts', "import y from 'node:fs';", false],
  ['common/x.ts', "import y from 'electron';", false],
  ['common/x.ts', "import y from '../main/config';", false],
  ['common/x.ts', "import y from 'zod';", true],
  ['agents/x.ts', "import y from 'better-sqlite3';", false],
  ['agents/x.ts', "import y from 'mqtt';", false],
  ['agents/x.ts', "import y from '../main/runtime';", false],
  ['agents/x.ts', "import y from '../common/contract';", true],
  ['main/runtime-x.ts', "import y from 'electron';", false],
  ['main/store/x.ts', "import y from '../../renderer/src/app';", false],
  ['main/store/x.ts', "import y from 'better-sqlite3';", true],
  ['main/electron/x.ts', "import y from 'electron';", true],
  ['renderer/src/x.ts', "import y from 'node:path';", false],
  ['renderer/src/x.ts', "import y from '../../main/config';", false],
  ['renderer/src/x.ts', "import y from 'electron';", false],
  ['renderer/src/x.ts', "import y from '../../common/contract';", true],
  ['renderer/src/shell/x.ts', "import y from '../agents/AnalyticsView';", true],
  ['renderer/src/shell/x.ts', "import y from '../../../agents/sdk';", false],
  ['renderer/src/x.ts', "export * from '../../main/config';", false],
  ['preload/x.ts', "import y from '../main/runtime';", false],
  ['preload/x.ts', "import y from 'electron';", true],
];

describe('layer rules', () => {
  for (const [file, source, allowed] of cases) {
    it(`${file}: ${source} is ${allowed ? 'allowed' : 'a lint error'}`, async () => {
      const errors = await layerErrors(file, source);
      expect(errors.length === 0).toBe(allowed);
    });
  }
});
