/**
 * The announcer's own part of the alarm-to-voice latency: from announce() to the audio bytes being
 * ready to send, with the offline voice (espeak-ng, each phrase new) and from the audio cache.
 * The alarm engine's part is measured by bench/alarms.ts.
 *
 *   node --import tsx bench/voice.ts [offlineRuns=100] [cachedRuns=300]
 *
 * The last line is JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoiceEvent } from '../common/contract-voice';
import { ConfigSchema } from '../main/config';
import { openDatabase } from '../main/store/open-database';
import { createVoiceService } from '../main/voice/voice-service';

const offlineRuns = Number(process.argv[2] ?? 100);
const cachedRuns = Number(process.argv[3] ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'fb-bench-voice-'));
const db = openDatabase(join(dir, 'bench.db'));

// The schedule's clock jumps a minute per phrase, so that de-duplication and the rate limit, which
// exist to keep a real room calm, do not hold back a benchmark that speaks the same words again.
let virtual = 0;
let heard: (event: VoiceEvent) => void = () => {};
const voice = createVoiceService({
  db,
  config: ConfigSchema.parse({}).voice,
  dataDir: dir,
  secrets: null,
  emit: (event) => heard(event),
  log: (message) => console.error(message),
  clock: { now: () => virtual, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
});

async function once(i: number, value: number): Promise<{ ms: number; cached: boolean; bytes: number }> {
  virtual += 61_000;
  const alarmId = `bench-${i}`;
  const spoken = new Promise<VoiceEvent>((resolve) => (heard = resolve));
  const started = performance.now();
  voice.announce({ alarmId, machineId: 'm014', machineName: 'M014', area: 'line3', priority: 'high', message: 'bearings overheating', sensor: 'temperature', value, unit: '°C', eventTs: virtual });
  const event = await spoken;
  const ms = performance.now() - started;
  await voice.idle();
  voice.acknowledged(alarmId);
  if (event.kind !== 'speak' || event.audioBase64 === null) throw new Error('no audio was produced; is espeak-ng installed?');
  return { ms, cached: voice.log({ limit: 1 }).entries[0]!.cached, bytes: event.audioBase64.length };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const summary = (xs: number[]) => ({ n: xs.length, p50Ms: +quantile(xs, 0.5).toFixed(2), p99Ms: +quantile(xs, 0.99).toFixed(2), maxMs: +Math.max(...xs).toFixed(2) });

const offline: number[] = [];
const cached: number[] = [];
let base64Bytes = 0;
let i = 0;
for (let r = 0; r < offlineRuns; r++) {
  const run = await once(i++, 50 + r);
  if (run.cached) throw new Error('an offline run hit the cache');
  offline.push(run.ms);
  base64Bytes = Math.max(base64Bytes, run.bytes);
}
for (let r = 0; r < cachedRuns; r++) {
  const run = await once(i++, 50 + (r % offlineRuns));
  if (!run.cached) throw new Error('a cached run missed the cache');
  cached.push(run.ms);
}
voice.stop();
db.close();
rmSync(dir, { recursive: true, force: true });

const result = { bench: 'voice', measure: 'announce() to audio ready', offline: summary(offline), cached: summary(cached), maxEventBase64Bytes: base64Bytes };
console.log(`offline (espeak-ng): p50 ${result.offline.p50Ms} ms, p99 ${result.offline.p99Ms} ms; cached: p50 ${result.cached.p50Ms} ms, p99 ${result.cached.p99Ms} ms`);
console.log(JSON.stringify(result));
