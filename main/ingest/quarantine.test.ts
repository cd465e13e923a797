import { describe, expect, it } from 'vitest';
import { QUARANTINE_REASONS } from '../../common/telemetry';
import { Quarantine } from './quarantine';

const payload = Buffer.from('x'.repeat(1000));

describe('Quarantine', () => {
  it('keeps only the newest entries, but counts every rejection', () => {
    const q = new Quarantine(3);
    for (let i = 0; i < 5; i++) q.reject(`t/${i}`, payload, i % 2 ? 'invalid_json' : 'oversized', `d${i}`, i);
    expect(q.size).toBe(3);
    expect(q.total).toBe(5);
    expect(q.list({ limit: 10 }).map((e) => e.topic)).toEqual(['t/4', 't/3', 't/2']);
    expect(q.list({ limit: 1 }).map((e) => e.topic)).toEqual(['t/4']);
    expect(q.list({ reason: 'invalid_json', limit: 10 }).map((e) => e.topic)).toEqual(['t/3']);
    const counts = q.counts();
    expect(counts).toMatchObject({ oversized: 3, invalid_json: 2, sparkplug_unborn: 0 });
    expect(Object.keys(counts)).toHaveLength(QUARANTINE_REASONS.length);
  });

  it('stores the head of the payload, not all of it', () => {
    const q = new Quarantine(10);
    const entry = q.reject('t', payload, 'oversized', 'too big', 1);
    expect(entry.payloadBytes).toBe(1000);
    expect(Buffer.from(entry.payloadHead, 'base64').length).toBe(64);
    expect(q.list({ limit: 1 })[0]).toBe(entry);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new Quarantine(0)).toThrow(RangeError);
  });
});
