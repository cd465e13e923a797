import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeJsonMeta, decodeJsonTelemetry } from './json-telemetry';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const TOPIC = 'factory/plant1/press/p7/telemetry';
const MAX = 256 * 1024;
const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const decode = (payload: unknown, topic = TOPIC) => decodeJsonTelemetry(topic, bytes(payload), NOW, MAX);
const reasonOf = (payload: unknown, topic = TOPIC) => {
  const r = decode(payload, topic);
  return r.ok ? 'ok' : r.reason;
};

describe('decodeJsonTelemetry', () => {
  it('decodes a reading with event time from epoch ms', () => {
    const r = decode({ ts: NOW - 5, metrics: { temp: 71.5, rpm: 1200 } });
    expect(r).toEqual({ ok: true, reading: { machineId: 'plant1/press/p7', ts: NOW - 5, metrics: { temp: 71.5, rpm: 1200 }, receivedAt: NOW } });
  });

  it('accepts ISO-8601 with a zone, and booleans as 0/1', () => {
    const r = decode({ ts: '2025-06-01T11:59:59.250+02:00', metrics: { running: true, fault: false } });
    expect(r.ok && r.reading).toMatchObject({ ts: Date.parse('2025-06-01T09:59:59.250Z'), metrics: { running: 1, fault: 0 } });
  });

  it('rejects topics that are not factory/<site>/<area>/<machine>/telemetry', () => {
    for (const topic of ['factory/a/b/telemetry', 'factory/a/b/c/d/telemetry', 'factory//b/c/telemetry', 'factory/a//c/telemetry', 'factory/a/b//telemetry', 'factory/telemetry', `factory/a/b/${'x'.repeat(300)}/telemetry`]) {
      expect(reasonOf({ ts: NOW, metrics: { a: 1 } }, topic), topic).toBe('unknown_topic');
    }
  });

  it('gives each topic its own machine id however many topics it has seen (its topic cache is bounded)', () => {
    const payload = { ts: NOW, metrics: { t: 1 } };
    for (let i = 0; i < 70_000; i++) {
      const r = decode(payload, `factory/s/a/m${i}/telemetry`);
      if (!r.ok || r.reading.machineId !== `s/a/m${i}`) throw new Error(`topic ${i}: ${JSON.stringify(r)}`);
    }
    expect(decode(payload, 'factory/s/a/m0/telemetry')).toMatchObject({ ok: true, reading: { machineId: 's/a/m0' } });
    expect(reasonOf(payload, 'factory/s/a/m0/x/telemetry')).toBe('unknown_topic');
  });

  it('rejects an oversized payload before parsing it', () => {
    const r = decodeJsonTelemetry(TOPIC, Buffer.alloc(MAX + 1, '{'), NOW, MAX);
    expect(r).toMatchObject({ ok: false, reason: 'oversized' });
  });

  it('rejects garbage as invalid_json without throwing', () => {
    expect(reasonOf('')).toBe('invalid_json');
    expect(reasonOf('{"ts": 1, "metrics": {"a": 1}')).toBe('invalid_json');
    expect(reasonOf('{"ts": NaN, "metrics": {"a": NaN}}')).toBe('invalid_json');
    for (let i = 0; i < 200; i++) {
      const r = decodeJsonTelemetry(TOPIC, randomBytes(1 + (i % 64)), NOW, MAX);
      expect(r.ok).toBe(false);
    }
  });

  it('survives deeply nested JSON', () => {
    const big = 16 * 1024 * 1024;
    const deep = bytes('['.repeat(1_000_000) + ']'.repeat(1_000_000));
    expect(decodeJsonTelemetry(TOPIC, deep, NOW, big)).toMatchObject({ ok: false });
    const nested = bytes(`{"ts": ${NOW}, "metrics": {"a": ${'{"b":'.repeat(500_000)}1${'}'.repeat(500_000)}}}`);
    expect(decodeJsonTelemetry(TOPIC, nested, NOW, big)).toMatchObject({ ok: false, reason: expect.stringMatching(/invalid_json|unknown_shape/) });
  });

  it('rejects wrong shapes', () => {
    expect(reasonOf(42)).toBe('unknown_shape');
    expect(reasonOf('null')).toBe('unknown_shape');
    expect(reasonOf([{ ts: NOW, metrics: { a: 1 } }])).toBe('unknown_shape');
    expect(reasonOf({ ts: NOW })).toBe('unknown_shape');
    expect(reasonOf({ ts: NOW, metrics: [1, 2] })).toBe('unknown_shape');
    expect(reasonOf({ ts: NOW, metrics: {} })).toBe('unknown_shape');
    expect(reasonOf({ ts: NOW, metrics: { a: '12' } })).toBe('unknown_shape');
    expect(reasonOf({ ts: NOW, metrics: { a: null } })).toBe('unknown_shape');
    expect(reasonOf({ ts: NOW, metrics: { a: { v: 1 } } })).toBe('unknown_shape');
    expect(reasonOf({ ts: NOW, metrics: { ['x'.repeat(129)]: 1 } })).toBe('unknown_shape');
    expect(reasonOf({ ts: NOW, metrics: { '': 1 } })).toBe('unknown_shape');
    expect(reasonOf(`{"ts": ${NOW}, "metrics": {"__proto__": 1}}`)).toBe('unknown_shape');
    const many = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`m${i}`, i]));
    expect(reasonOf({ ts: NOW, metrics: many })).toBe('unknown_shape');
    expect(reasonOf({ ts: NOW, metrics: Object.fromEntries(Object.entries(many).slice(0, 256)) })).toBe('ok');
  });

  it('rejects non-finite values, whether as NaN strings or overflowing literals', () => {
    expect(reasonOf({ ts: NOW, metrics: { a: 1, b: 'NaN' } })).toBe('non_finite');
    expect(reasonOf({ ts: NOW, metrics: { a: '-Infinity' } })).toBe('non_finite');
    expect(reasonOf(`{"ts": ${NOW}, "metrics": {"a": 1e999}}`)).toBe('non_finite');
    expect(reasonOf(`{"ts": ${NOW}, "metrics": {"a": -1e999}}`)).toBe('non_finite');
  });

  it('rejects missing, unparseable and absurd timestamps', () => {
    const m = { a: 1 };
    expect(reasonOf({ metrics: m })).toBe('bad_timestamp');
    expect(reasonOf({ ts: null, metrics: m })).toBe('bad_timestamp');
    expect(reasonOf({ ts: 'yesterday', metrics: m })).toBe('bad_timestamp');
    expect(reasonOf({ ts: 'June 1, 2025', metrics: m })).toBe('bad_timestamp');
    // no zone: would be read as the console's local time
    expect(reasonOf({ ts: '2025-06-01T12:00:00', metrics: m })).toBe('bad_timestamp');
    expect(reasonOf({ ts: '2025-13-45T12:00:00Z', metrics: m })).toBe('bad_timestamp');
    // seconds instead of milliseconds
    expect(reasonOf({ ts: Math.floor(NOW / 1000), metrics: m })).toBe('bad_timestamp');
    expect(reasonOf({ ts: NOW + 86_400_001, metrics: m })).toBe('bad_timestamp');
    expect(reasonOf({ ts: NOW + 3_600_000, metrics: m })).toBe('ok');
    expect(reasonOf(`{"ts": 1e999, "metrics": {"a": 1}}`)).toBe('bad_timestamp');
  });
});

describe('decodeJsonMeta', () => {
  const META = 'factory/plant1/press/p7/meta';
  it('gives the machine type and name, keeping unknown fields out of the way', () => {
    expect(decodeJsonMeta(META, bytes({ type: 'hydraulic-press', name: 'Press 7', vendor: 'ACME' }), MAX)).toEqual({
      ok: true,
      meta: { id: 'plant1/press/p7', site: 'plant1', area: 'press', name: 'Press 7', type: 'hydraulic-press', protocol: 'json' },
    });
    expect(decodeJsonMeta(META, bytes({ type: 'pump' }), MAX)).toMatchObject({ ok: true, meta: { name: 'p7', type: 'pump' } });
  });

  it('passes the alarm limits through, and rejects limits that are not numbers', () => {
    const limits = { temperature: { high: 62, highHigh: 72 }, pressure: { low: 5, lowLow: 4.5 } };
    expect(decodeJsonMeta(META, bytes({ type: 'cnc_mill', limits }), MAX)).toMatchObject({ ok: true, meta: { limits } });
    expect(decodeJsonMeta(META, bytes({ type: 'cnc_mill', limits: { temperature: { high: 'hot' } } }), MAX)).toMatchObject({ ok: false, reason: 'unknown_shape' });
  });

  it('rejects bad meta', () => {
    expect(decodeJsonMeta(META, bytes({ name: 'x' }), MAX)).toMatchObject({ ok: false, reason: 'unknown_shape' });
    expect(decodeJsonMeta(META, bytes({ type: 7 }), MAX)).toMatchObject({ ok: false, reason: 'unknown_shape' });
    expect(decodeJsonMeta(META, bytes('{type'), MAX)).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(decodeJsonMeta('factory/a/meta', bytes({ type: 'x' }), MAX)).toMatchObject({ ok: false, reason: 'unknown_topic' });
    expect(decodeJsonMeta(META, Buffer.alloc(MAX + 1), MAX)).toMatchObject({ ok: false, reason: 'oversized' });
  });
});
