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
});
