import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writerWorkerUrl } from './writer-worker-url';

describe('writerWorkerUrl', () => {
  it('points at the .ts worker beside it when running from source', () => {
    const url = writerWorkerUrl();
    expect(url.pathname.endsWith('/main/store/telemetry-writer.worker.ts')).toBe(true);
    expect(existsSync(fileURLToPath(url))).toBe(true);
  });
});
