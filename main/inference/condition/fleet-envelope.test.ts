import { describe, expect, it } from 'vitest';
import { FleetEnvelopes } from './fleet-envelope';

const PUMP = FleetEnvelopes.kindOf(['temperature', 'pressure', 'flow']);
const MILL = FleetEnvelopes.kindOf(['spindle_speed', 'temperature']);

describe('FleetEnvelopes', () => {
  it('names a kind by its set of sensors, whatever their order', () => {
    expect(FleetEnvelopes.kindOf(['flow', 'temperature', 'pressure'])).toBe(PUMP);
    expect(MILL).not.toBe(PUMP);
  });

  it('gives the median of the other machines of the kind, never the machine’s own', () => {
    const fleet = new FleetEnvelopes();
    fleet.set(PUMP, 'P1', new Map([['temperature', 2]]));
    fleet.set(PUMP, 'P2', new Map([['temperature', 3]]));
    fleet.set(PUMP, 'P3', new Map([['temperature', 18]]));
    fleet.set(MILL, 'M1', new Map([['temperature', 40]]));
    expect(fleet.median(PUMP, 'temperature', 'P3')).toBe(2.5);
    expect(fleet.median(PUMP, 'temperature', 'P1')).toBe(10.5);
    expect(fleet.median(PUMP, 'temperature', 'P9')).toBe(3);
    expect(fleet.median(PUMP, 'pressure', 'P9')).toBeNull();
  });

  it('has no envelope for a machine alone of its kind, and one as soon as another is past validation', () => {
    const fleet = new FleetEnvelopes();
    fleet.set(PUMP, 'P1', new Map([['temperature', 2]]));
    expect(fleet.median(PUMP, 'temperature', 'P1')).toBeNull();
    const before = fleet.version;
    fleet.set(PUMP, 'P2', new Map([['temperature', 4]]));
    expect(fleet.version).not.toBe(before);
    expect(fleet.median(PUMP, 'temperature', 'P1')).toBe(4);
    const out = new Float64Array(2);
    fleet.fill(PUMP, ['temperature', 'flow'], 'P1', out);
    expect(out[0]).toBe(4);
    expect(out[1]).toBeNaN();
  });

  it('lets a machine that learns again, or whose sensors changed, stand for its old kind no more', () => {
    const fleet = new FleetEnvelopes();
    fleet.set(PUMP, 'P1', new Map([['temperature', 2]]));
    fleet.set(PUMP, 'P2', new Map([['temperature', 4]]));
    fleet.set(PUMP, 'P3', new Map([['temperature', 6]]));
    expect(fleet.median(PUMP, 'temperature', 'P1')).toBe(5);
    const before = fleet.version;
    fleet.forget('P3');
    expect(fleet.version).not.toBe(before);
    expect(fleet.median(PUMP, 'temperature', 'P1')).toBe(4);
    fleet.set(MILL, 'P2', new Map([['temperature', 30]]));
    expect(fleet.median(PUMP, 'temperature', 'P1')).toBeNull();
    expect(fleet.median(MILL, 'temperature', 'M9')).toBe(30);
  });

  it('gives every machine the median of the others’ values as machines join, change, leave and change kind', () => {
    const fleet = new FleetEnvelopes();
    const values = new Map<string, Map<string, number>>();
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const envelopesOf = () => {
      const envelopes = new Map<string, number>();
      // Few distinct values, so that ties are common; some machines lack a sensor or carry a non-finite one.
      if (random() < 0.9) envelopes.set('temperature', Math.round(random() * 8) / 2);
      if (random() < 0.2) envelopes.set('pressure', random() < 0.5 ? Number.NaN : Number.POSITIVE_INFINITY);
      else envelopes.set('pressure', 1 + random());
      return envelopes;
    };
    for (let i = 0; i < 80; i++) {
      const op = random();
      const id = op < 0.5 || i === 0 ? `P${i}` : `P${Math.floor(random() * i)}`;
      if (op < 0.8) {
        const envelopes = envelopesOf();
        values.set(id, envelopes);
        fleet.set(PUMP, id, envelopes);
      } else if (op < 0.9) {
        values.delete(id);
        fleet.forget(id);
      } else {
        values.delete(id);
        fleet.set(MILL, id, envelopesOf());
      }
      for (const asked of [id, 'P0', `P${i >> 1}`, 'P99']) {
        for (const sensor of ['temperature', 'pressure', 'flow']) {
          const others = [...values].filter(([other, e]) => other !== asked && Number.isFinite(e.get(sensor) ?? Number.NaN)).map(([, e]) => e.get(sensor)!);
          others.sort((a, b) => a - b);
          const m = others.length >> 1;
          const expected = others.length === 0 ? null : others.length % 2 ? others[m]! : (others[m - 1]! + others[m]!) / 2;
          expect(fleet.median(PUMP, sensor, asked)).toBe(expected);
        }
      }
    }
  });
});
