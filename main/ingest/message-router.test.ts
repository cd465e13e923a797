import { describe, expect, it } from 'vitest';
import type { QuarantineEntry, Reading } from '../../common/telemetry';
import type { MachineMeta } from './decoded';
import { MessageRouter } from './message-router';
import { Quarantine } from './quarantine';
import { SparkplugDecoder } from './sparkplug';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function router(sparkplug = new SparkplugDecoder({ maxPayloadBytes: 1024 })) {
  const got = { readings: [] as Reading[], metas: [] as MachineMeta[], rejected: [] as QuarantineEntry[] };
  const quarantine = new Quarantine(10);
  const r = new MessageRouter({
    maxPayloadBytes: 1024,
    quarantine,
    sparkplug,
    sinks: {
      readings: (batch) => got.readings.push(...batch),
      meta: (m) => got.metas.push(m),
      offline: () => {},
      rejected: (e) => got.rejected.push(e),
      publish: () => {},
    },
  });
  return { r, got, quarantine };
}

describe('MessageRouter', () => {
  it('routes by topic and quarantines what matches no format', () => {
    const { r, got } = router();
    r.route('factory/s/a/m/telemetry', Buffer.from(JSON.stringify({ ts: NOW, metrics: { x: 1 } })), NOW);
    r.route('factory/s/a/m/meta', Buffer.from(JSON.stringify({ type: 'pump' })), NOW);
    r.route('factory/s/a/m/meta', Buffer.alloc(0), NOW);
    r.route('somewhere/else', Buffer.from('hi'), NOW);
    expect(got.readings).toHaveLength(1);
    expect(got.metas.map((m) => m.type)).toEqual(['pump']);
    expect(got.rejected).toEqual([expect.objectContaining({ topic: 'somewhere/else', reason: 'unknown_topic', payloadBytes: 2 })]);
  });

  it('quarantines whatever a decoder throws instead of letting it reach the MQTT client', () => {
    const broken = {
      handle: () => {
        throw new TypeError('bug');
      },
      tick: () => [],
    } as unknown as SparkplugDecoder;
    const { r, quarantine } = router(broken);
    expect(() => r.route('spBv1.0/g/NDATA/e', Buffer.from([1]), NOW)).not.toThrow();
    expect(quarantine.list({ limit: 1 })[0]).toMatchObject({ reason: 'sparkplug_decode', detail: 'decoder failed: bug' });
  });
});
