/** The layer rules of docs/architecture.md, checked by linting one-line files placed in each layer. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const x = y;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'layers/no-import-from' || m.ruleId === 'stages/no-upward-import').map((m) => m.message);
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
  // Inside main/: hosts on top, then ingest -> pipeline -> inference / alarms -> store; only downwards.
  ['main/store/x.ts', "import y from '../alarms/limits';", false],
  ['main/store/x.ts', "import y from '../inference/calibration';", false],
  ['main/store/x.ts', "const y = await import('../alarms/limits');", false],
  ['main/store/x.ts', "import y from '../runtime';", false],
  ['main/ingest/x.ts', "import y from '../runtime-ingest';", false],
  ['main/inference/x.ts', "import y from '../pipeline/live-telemetry';", false],
  ['main/inference/condition/x.ts', "import y from '../../ingest/quarantine';", false],
  ['main/alarms/x.ts', "import y from '../ingest/quarantine';", false],
  ['main/alarms/x.ts', "export * from '../pipeline/fan-out';", false],
  ['main/alarms/x.ts', "import y from '../ipc/router';", false],
  ['main/pipeline/x.ts', "import y from '../ingest-modbus/modbus-source';", false],
  ['main/ingest/x.ts', "import y from '../agents-host/host';", false],
  ['main/ipc/x.ts', "import type { y } from '../agents-host/handlers';", false],
  ['main/ipc/x.ts', "import type { y } from '../connectors/handlers';", false],
  ['main/primitives/x.ts', "import y from '../store/prepared';", false],
  ['main/ingest/x.ts', "import y from '../pipeline/live-telemetry';", true],
  ['main/pipeline/x.ts', "import y from '../inference/model-stage';", true],
  ['main/alarms/x.ts', "import y from '../inference/model-stage';", true],
  ['main/alarms/x.ts', "import y from '../store/prepared';", true],
  ['main/store/x.ts', "import y from '../primitives/first-seen-order';", true],
  ['main/agents-host/x.ts', "import y from '../ipc/router';", true],
  ['main/cli/x.ts', "import y from '../runtime';", true],
  ['main/x.ts', "import y from './agents-host/host';", true],
];

describe('layer rules', () => {
  for (const [file, source, allowed] of cases) {
    it(`${file}: ${source} is ${allowed ? 'allowed' : 'a lint error'}`, async () => {
      const errors = await layerErrors(file, source);
      expect(errors.length === 0).toBe(allowed);
    });
  }
});
