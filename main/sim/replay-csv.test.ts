import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { hasSharedData } from '../../test/integration/shared-data';
import { replayCsv, replayCsvWith, replayTopic } from './replay-csv';

const dir = mkdtempSync(join(tmpdir(), 'fb-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SKAB = join(import.meta.dirname, '../../../shared/data/skab/data/valve1/0.csv');
/** Skipped, with one line, without ../shared/data (a fresh clone); CI fails instead (FB_REQUIRE_DATA). */
const HAVE_SKAB = hasSharedData(SKAB);

interface Received {
  topic: string;
  ts: number;
  metrics: Record<string, number>;
  at: number;
}

async function subscribe(url: string, topic: string) {
  const client = await mqtt.connectAsync(url);
  const received: Received[] = [];
  client.on('message', (t, payload) => {
    const body = JSON.parse(payload.toString()) as { ts: number; metrics: Record<string, number> };
    received.push({ topic: t, ts: body.ts, metrics: body.metrics, at: performance.now() });
  });
  await client.subscribeAsync(topic, { qos: 0 });
  const until = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };
  return { received, until, close: () => client.endAsync() };
}

describe('replayCsv', () => {
  it('publishes rows in event time at the chosen speed and reports bad lines by number', async () => {
    const file = join(dir, 'small.csv');
    const rows = ['datetime;temp;Flow Rate'];
    for (let i = 0; i < 20; i++) rows.push(`2020-03-09 10:14:${String(i * 2).padStart(2, '0')};${20 + i};${i / 2}`);
    rows.splice(5, 0, '2020-03-09 10:14:07;oops;1', 'garbage');
    writeFileSync(file, rows.join('\r\n') + '\r\n');

    const url = inject('mosquittoUrl');
    const sub = await subscribe(url, 'factory/test/replay/R1/telemetry');
    const progress: number[] = [];
    // 2 s between rows at 100x: 20 ms apart on the wire.
    const result = await replayCsv({ brokerUrl: url, file, site: 'test', machine: 'R1', speed: 100, onProgress: (done, total) => progress.push(done / total) });
    await sub.until(20);
    await sub.close();

    expect(result.published).toBe(20);
    expect(result.badLines).toBe(2);
    expect(result.bad).toEqual([
      { line: 6, reason: 'column temp: not a number "oops"' },
      { line: 7, reason: 'expected 3 fields, got 1' },
    ]);
    expect(result.firstTs).toBe(Date.UTC(2020, 2, 9, 10, 14, 0));
    expect(progress.at(-1)).toBe(1);
    expect(sub.received).toHaveLength(20);
    expect(sub.received[3]).toMatchObject({ ts: Date.UTC(2020, 2, 9, 10, 14, 6), metrics: { temp: 23, Flow_Rate: 1.5 } });
    const first = sub.received[0];
    const last = sub.received.at(-1);
    if (!first || !last) throw new Error('nothing received');
    for (let i = 1; i < sub.received.length; i++) expect((sub.received[i]?.ts ?? 0) - (sub.received[i - 1]?.ts ?? 0)).toBe(2000);
    // 38 s of recording at 100x: about 380 ms on the wire, never faster than the schedule.
    expect(last.at - first.at).toBeGreaterThan(330);
    expect(last.at - first.at).toBeLessThan(2000);
  });

  it('shifts the recording to now when asked', async () => {
    const file = join(dir, 'shift.csv');
    writeFileSync(file, 'ts,v\n1583748873000,1\n1583748874000,2\n');
    const sent: { ts: number }[] = [];
    const before = Date.now();
    await replayCsvWith((_t, payload) => void sent.push(JSON.parse(payload) as { ts: number }), { file, topic: 'x', speed: 0, shiftToNow: true });
    expect(sent[0]?.ts).toBeGreaterThanOrEqual(before);
    expect((sent[1]?.ts ?? 0) - (sent[0]?.ts ?? 0)).toBe(1000);
    expect(replayTopic({ machine: 'M9', site: 's', area: 'a' })).toBe('factory/s/a/M9/telemetry');

    const abort = new AbortController();
    const slow = await replayCsvWith(() => abort.abort(), { file, topic: 'x', speed: 1, signal: abort.signal });
    expect(slow.published).toBe(1);
    expect(() => replayTopic({})).toThrow(/topic or a machine/);
  });

  it.skipIf(!HAVE_SKAB)('replays the head of a real SKAB file as fast as possible', async () => {
    const file = join(dir, 'skab-head.csv');
    const head: string[] = [];
    const lines = createInterface({ input: createReadStream(SKAB), crlfDelay: Infinity });
    for await (const line of lines) if (head.push(line) >= 301) break;
    lines.close();
    writeFileSync(file, head.join('\n') + '\n');

    const url = inject('mosquittoUrl');
    const sub = await subscribe(url, 'factory/plant1/replay/SKAB1/telemetry');
    const result = await replayCsv({ brokerUrl: url, file, machine: 'SKAB1', speed: Infinity });
    await sub.until(300);
    await sub.close();

    expect(result).toMatchObject({ published: 300, badLines: 0, firstTs: Date.UTC(2020, 2, 9, 10, 14, 33) });
    expect(sub.received).toHaveLength(300);
    expect(Object.keys(sub.received[0]?.metrics ?? {})).toEqual([
      'Accelerometer1RMS',
      'Accelerometer2RMS',
      'Current',
      'Pressure',
      'Temperature',
      'Thermocouple',
      'Voltage',
      'Volume_Flow_RateRMS',
      'anomaly',
      'changepoint',
    ]);
    expect(sub.received.map((r) => r.ts)).toEqual([...sub.received.map((r) => r.ts)].sort((a, b) => a - b));
  });
});
