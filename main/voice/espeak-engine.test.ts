import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EspeakEngine } from './espeak-engine';
import { styleFor } from './phrases';
import { readWav, rmsWindows } from './wav';

const dir = mkdtempSync(join(tmpdir(), 'fb-espeak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const engine = new EspeakEngine({ command: 'espeak-ng', voice: 'en' });

/** What sox reads from the file: an independent check of the header we sealed. */
const soxSeconds = (file: string) => Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());

describe('EspeakEngine (offline voice)', () => {
  it('speaks a ten-word alarm phrase as audible speech of plausible length', async () => {
    const text = 'Machine M014 bearings overheating. Current temperature: 95 degrees Celsius.';
    const audio = await engine.synthesize(text, styleFor('high'));
    const file = join(dir, 'alarm.wav');
    writeFileSync(file, audio.bytes);

    const seconds = soxSeconds(file);
    expect(seconds).toBeGreaterThan(1.5);
    expect(seconds).toBeLessThan(8);
    expect(audio.durationMs / 1000).toBeCloseTo(seconds, 2);
    expect(audio.mime).toBe('audio/wav');

    // Speech is loud most of the time with short pauses between words; silence or a tone is not.
    const rms = rmsWindows(audio.bytes, 50);
    const voiced = rms.filter((r) => r > 0.02).length / rms.length;
    const quiet = rms.filter((r) => r < 0.005).length;
    expect(voiced).toBeGreaterThan(0.5);
    expect(quiet).toBeGreaterThan(0);
    expect(Math.max(...rms)).toBeGreaterThan(0.05);
  });

  it('speaks critical phrases slower and higher than low ones', async () => {
    const text = 'Press P-07 hydraulic pressure low.';
    const [critical, low] = await Promise.all([engine.synthesize(text, styleFor('critical')), engine.synthesize(text, styleFor('low'))]);
    expect(critical.durationMs).toBeGreaterThan(low.durationMs * 1.1);
    expect(readWav(critical.bytes).sampleRate).toBe(22050);
  });

  it('reads a phrase that starts with a dash as words, not as an option', async () => {
    const audio = await engine.synthesize('-v xx minus five degrees', styleFor('medium'));
    expect(audio.durationMs).toBeGreaterThan(500);
  });

  it('fails clearly when the program is missing', async () => {
    const missing = new EspeakEngine({ command: join(dir, 'no-such-espeak'), voice: 'en' });
    await expect(missing.synthesize('hello', styleFor('high'))).rejects.toThrow(/espeak-ng could not run/);
  });
});
