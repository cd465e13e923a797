/**
 * Hostile payloads for the MQTT decoders: random bytes, JSON of any shape, and well-formed
 * Sparkplug protobuf with arbitrary metrics. A decoder may refuse, but only with a reason and a
 * detail, never by throwing, and what it accepts is always a well-formed reading.
 */
import fc from 'fast-check';
import sparkplug from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../common/telemetry';
import { MAX_METRICS } from './decoded';
import { decodeJsonMeta, decodeJsonTelemetry } from './json-telemetry';
import { SparkplugDecoder } from './sparkplug';

const sp = sparkplug.get('spBv1.0')!;
const NOW = Date.parse('2025-06-01T12:00:00Z');
const MAX_BYTES = 4096;
const RUNS = { numRuns: 400 };

function wellFormed(r: Reading) {
  expect(typeof r.machineId).toBe('string');
  expect(r.machineId.length).toBeGreaterThan(0);
  expect(Number.isFinite(r.ts)).toBe(true);
  const entries = Object.entries(r.metrics);
  expect(entries.length).toBeLessThanOrEqual(MAX_METRICS);
  for (const [, v] of entries) expect(Number.isFinite(v)).toBe(true);
}

const refusedClearly = (r: { reason?: unknown; detail?: unknown }) => {
  expect(typeof r.reason).toBe('string');
  expect(typeof r.detail).toBe('string');
  expect((r.detail as string).length).toBeGreaterThan(0);
};

const segment = fc.oneof(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.string({ maxLength: 20 }), fc.constantFrom('', '+', '#', '..', '\u0000', 'é'.repeat(300)));
const jsonTopic = fc.tuple(segment, segment, segment).map(([s, a, m]) => `factory/${s}/${a}/${m}/telemetry`);
const metaTopic = fc.tuple(segment, segment, segment).map(([s, a, m]) => `factory/${s}/${a}/${m}/meta`);
const hostileValue = fc.oneof(fc.double(), fc.integer(), fc.bigInt().map(String), fc.string(), fc.constant(null), fc.boolean(), fc.array(fc.double(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const jsonBody = fc.oneof(
  fc.record({ ts: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'bad' : d.toISOString()))), metrics: fc.dictionary(fc.string({ maxLength: 200 }), hostileValue, { maxKeys: 300 }) }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 4 }),
  fc.constant({ ts: NOW, metrics: { __proto__: 1, constructor: 2, toString: 3 } }),
);
const asBytes = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null');

describe('JSON telemetry decoder under hostile input', () => {
  it('never throws on random bytes, and refuses with a reason', () => {
    fc.assert(
      fc.property(jsonTopic, fc.uint8Array({ maxLength: 6000 }), (topic, bytes) => {
        const result = decodeJsonTelemetry(topic, bytes, NOW, MAX_BYTES);
        if (result.ok) wellFormed(result.reading);
        else refusedClearly(result);
      }),
      RUNS,
    );
  });

  it('accepts only well-formed readings out of JSON of any shape', () => {
    fc.assert(
      fc.property(jsonTopic, jsonBody, (topic, body) => {
        const result = decodeJsonTelemetry(topic, asBytes(body), NOW, MAX_BYTES);
        if (result.ok) wellFormed(result.reading);
        else refusedClearly(result);
      }),
      RUNS,
    );
  });

  it('never throws on meta of any shape', () => {
    fc.assert(
      fc.property(metaTopic, fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.jsonValue({ maxDepth: 4 }).map(asBytes)), (topic, bytes) => {
        const result = decodeJsonMeta(topic, bytes, MAX_BYTES);
        if (!result.ok) refusedClearly(result);
      }),
      RUNS,
    );
  });
});

const SP_TYPES = ['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean', 'String', 'DateTime', 'Text', 'UUID', 'Bytes'] as const;
const spMetric = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('temp', 'Node Control/Rebirth', 'bdSeq')),
    alias: fc.integer({ min: 0, max: 1000 }),
    type: fc.constantFrom(...SP_TYPES),
    value: fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string({ maxLength: 50 })),
    timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.constant(NOW)),
    isNull: fc.boolean(),
  },
  { requiredKeys: ['type'] },
);
const spTopic = fc.tuple(fc.constantFrom('NBIRTH', 'NDATA', 'DBIRTH', 'DDATA', 'NDEATH', 'DDEATH', 'NCMD', 'STATE', 'BOGUS'), segment, segment, fc.option(segment, { nil: undefined })).map(([kind, g, e, d]) => `spBv1.0/${g}/${kind}/${e}${d === undefined ? '' : `/${d}`}`);

/** Encodes what sparkplug-payload will encode; a shape its encoder itself rejects is no input we can receive. */
function encodeOrNull(payload: Parameters<typeof sp.encodePayload>[0]): Uint8Array | null {
  try {
    return sp.encodePayload(payload);
  } catch {
    return null;
  }
}

describe('Sparkplug decoder under hostile input', () => {
  it('never throws on random bytes or arbitrary well-formed payloads, in any order of message kinds', () => {
    const decoder = new SparkplugDecoder({ maxPayloadBytes: MAX_BYTES });
    fc.assert(
      fc.property(
        spTopic,
        fc.oneof(
          fc.uint8Array({ maxLength: 6000 }),
          fc.record({ timestamp: fc.integer({ min: 0, max: 2 ** 45 }), seq: fc.integer({ min: -5, max: 300 }), metrics: fc.array(spMetric, { maxLength: 40 }) }, { requiredKeys: [] }).map((p) => encodeOrNull(p as never) ?? new Uint8Array()),
        ),
        (topic, bytes) => {
          const out = decoder.handle(topic, bytes, NOW);
          out.readings.forEach(wellFormed);
          out.rejections.forEach(refusedClearly);
        },
      ),
      RUNS,
    );
  });
});
