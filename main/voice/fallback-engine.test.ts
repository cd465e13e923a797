import { describe, expect, it, vi } from 'vitest';
import type { SpeechAudio, SpeechEngine } from './engine';
import { FallbackEngine } from './fallback-engine';
import { styleFor } from './phrases';

const audio = (engine: string): SpeechAudio => ({ bytes: new Uint8Array([1]), mime: 'audio/wav', durationMs: 1, engine, cached: false });
const engine = (id: string, synthesize: () => Promise<SpeechAudio>): SpeechEngine => ({ id, voice: 'v', format: 'f', synthesize: vi.fn(synthesize) });

function setup(primary: () => Promise<SpeechAudio>) {
  let now = 0;
  const errors: string[] = [];
  const online = engine('online', primary);
  const offline = engine('offline', async () => audio('offline'));
  const chain = new FallbackEngine(online, offline, { budgetMs: 50, restMs: 10_000, now: () => now, onPrimaryError: (e) => errors.push(e.message) });
  return { chain, online, offline, errors, advance: (ms: number) => (now += ms) };
}

describe('FallbackEngine', () => {
  it('uses the primary when it answers in time', async () => {
    const { chain, offline } = setup(async () => audio('online'));
    expect((await chain.synthesize('x', styleFor('high'))).engine).toBe('online');
    expect(offline.synthesize).not.toHaveBeenCalled();
  });

  it('speaks offline when the primary fails, then rests the primary for a while', async () => {
    const { chain, online, errors, advance } = setup(async () => {
      throw new Error('getaddrinfo ENOTFOUND api.elevenlabs.io');
    });
    expect((await chain.synthesize('x', styleFor('high'))).engine).toBe('offline');
    expect(errors).toEqual(['getaddrinfo ENOTFOUND api.elevenlabs.io']);
    await chain.synthesize('y', styleFor('high'));
    expect(online.synthesize).toHaveBeenCalledTimes(1);
    advance(10_001);
    await chain.synthesize('z', styleFor('high'));
    expect(online.synthesize).toHaveBeenCalledTimes(2);
  });

  it('speaks offline when the primary is late, without waiting for it', async () => {
    let finish: (a: SpeechAudio) => void = () => {};
    const { chain } = setup(() => new Promise((resolve) => (finish = resolve)));
    const started = performance.now();
    expect((await chain.synthesize('x', styleFor('high'))).engine).toBe('offline');
    expect(performance.now() - started).toBeLessThan(1000);
    finish(audio('online'));
  });
});
