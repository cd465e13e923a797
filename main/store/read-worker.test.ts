import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database';
import { ReadWorker } from './read-worker';
import type { TestRead } from './read-worker.test-worker';

let dir: string;
let dbPath: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-read-worker-'));
  dbPath = join(dir, 'store.db');
  openDatabase(dbPath).close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = () =>
  ReadWorker.start<TestRead, unknown>({
    dbPath,
    url: new URL('./read-worker.test-worker.ts', import.meta.url),
    what: 'test reader',
    reads: 'test reads',
    narrower: 'ask for less',
    maxMs: 10_000,
    maxQueued: 4,
    decode: (answer) => answer,
  });

describe('read worker', () => {
  it('answers on its own connection, passes a query refusal on as that CallFailure, and any other failure as an error', async () => {
    const reader = await start();
    try {
      expect(await reader.read({ kind: 'count' }, 'count')).toBe(0);
      await expect(reader.read({ kind: 'refuse' }, 'refusal')).rejects.toMatchObject({ code: 'bad_request', message: 'more than 200000 journal entries in this range; ask for a shorter range' });
      const failed = await reader.read({ kind: 'fail' }, 'failure').catch((err: unknown) => err);
      expect(failed).toBeInstanceOf(Error);
      expect(failed).not.toHaveProperty('code');
      expect((failed as Error).message).toBe('test reader failed: Error: no such table: nowhere');
      // and it keeps answering
      expect(await reader.read({ kind: 'count' }, 'count')).toBe(0);
    } finally {
      await reader.close();
    }
  });
});
