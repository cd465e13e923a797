import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AudioCache, cacheKey } from './audio-cache';
import type { SpeechEngine } from './engine';
import { styleFor } from './phrases';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fb-cache-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function counting(voice = 'en'): SpeechEngine & { calls: number } {
  const engine = {
    id: 'fake',
    voice,
    format: 'wav',
    calls: 0,
    synthesize: vi.fn(async (text: string) => {
      engine.calls++;
      return { bytes: new TextEncoder().encode(`audio of ${text}`), mime: 'audio/wav', durationMs: 1234, engine: 'fake', cached: false };
    }),
  };
  return engine;
}

describe('AudioCache', () => {
  it('synthesises a phrase once and serves the same bytes after, across restarts', async () => {
    const engine = counting();
    const first = await new AudioCache({ dir, maxBytes: 1e6 }).wrap(engine).synthesize('hello', styleFor('high'));
    const again = await new AudioCache({ dir, maxBytes: 1e6 }).wrap(engine).synthesize('hello', styleFor('high'));
    expect(engine.calls).toBe(1);
    expect(first.cached).toBe(false);
    expect(again).toMatchObject({ cached: true, durationMs: 1234, mime: 'audio/wav', engine: 'fake' });
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  it('keys by engine, voice, format, text and style', () => {
    const base = { id: 'e', voice: 'v', format: 'f' };
    const k = cacheKey(base, 't', styleFor('high'));
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([k, cacheKey({ ...base, id: 'x' }, 't', styleFor('high')), cacheKey({ ...base, voice: 'x' }, 't', styleFor('high')), cacheKey({ ...base, format: 'x' }, 't', styleFor('high')), cacheKey(base, 'u', styleFor('high')), cacheKey(base, 't', styleFor('critical'))]).size).toBe(6);
  });

  it('synthesises again when an entry is damaged', async () => {
    const engine = counting();
    const cache = new AudioCache({ dir, maxBytes: 1e6 });
    await cache.wrap(engine).synthesize('hello', styleFor('high'));
    writeFileSync(join(dir, `${cacheKey(engine, 'hello', styleFor('high'))}.json`), '{broken');
    expect((await cache.wrap(engine).synthesize('hello', styleFor('high'))).cached).toBe(false);
    expect(engine.calls).toBe(2);
  });

  it('prunes the oldest entries beyond its size on start', async () => {
    const engine = counting();
    const wrapped = new AudioCache({ dir, maxBytes: 1e6 }).wrap(engine);
    for (let i = 0; i < 10; i++) await wrapped.synthesize(`phrase ${i}`, styleFor('low'));
    expect(readdirSync(dir)).toHaveLength(20);
    new AudioCache({ dir, maxBytes: 100 });
    expect(readdirSync(dir).length).toBeLessThan(10);
  });
});
