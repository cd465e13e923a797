import { describe, expect, it } from 'vitest';
import type { Reading } from '../../common/telemetry';
import { CardinalityGate } from './cardinality-gate';
import { MachineRegistry } from './machine-registry';
import { createMachineRetirement } from './machine-retirement';

const DAY = 86_400_000;
const reading = (machineId: string, at: number): Reading => ({ machineId, ts: at, receivedAt: at, metrics: { t: 1 } });

function setup() {
  let now = 100 * DAY;
  const registry = new MachineRegistry({ staleAfterMs: 10_000 });
  const gate = new CardinalityGate({ maxMachines: 3, maxSensorsPerMachine: 8 });
  const removed: string[][] = [];
  const announced: string[][] = [];
  const retirement = createMachineRetirement({ registry, gate, store: { remove: (ids) => removed.push([...ids]) }, retired: (ids) => announced.push([...ids]), now: () => now });
  const hear = (id: string, at: number) => {
    gate.admit(reading(id, at), at);
    registry.observe(reading(id, at), 'json');
  };
  hear('old', 10 * DAY);
  hear('older', 5 * DAY);
  hear('recent', 99 * DAY);
  return { registry, gate, retirement, removed, announced, hear, advance: (ms: number) => (now += ms) };
}

describe('machine retirement', () => {
  it('lists machines silent for more than N days, longest silent first', () => {
    const { retirement } = setup();
    expect(retirement.silent(30).map((m) => m.id)).toEqual(['older', 'old']);
    expect(retirement.silent(91).map((m) => m.id)).toEqual(['older']);
  });

  it('retires them from the registry, the store and the gate, freeing their places', () => {
    const { registry, gate, retirement, removed } = setup();
    expect(gate.admit(reading('new', 100 * DAY), 100 * DAY).reading).toBeNull();
    expect(retirement.retire(['old', 'older', 'old'], 30)).toEqual({ retired: ['old', 'older'] });
    expect(removed).toEqual([['old', 'older']]);
    expect(registry.list().map((m) => m.id)).toEqual(['recent']);
    expect(gate.size).toBe(1);
    expect(gate.admit(reading('new', 100 * DAY), 100 * DAY).reading).not.toBeNull();
  });

  it('announces the retired ids once they are gone, so that every console drops them, and nothing when it refuses', () => {
    const { registry, retirement, announced } = setup();
    expect(() => retirement.retire(['old', 'recent'], 30)).toThrow(/nothing retired/);
    expect(announced).toEqual([]);
    let listedWhenAnnounced: string[] = [];
    const seen = createMachineRetirement({
      registry,
      gate: { forget: () => undefined },
      store: { remove: () => undefined },
      retired: () => (listedWhenAnnounced = registry.list().map((m) => m.id)),
      now: () => 100 * DAY,
    });
    seen.retire(['older'], 30);
    expect(listedWhenAnnounced).toEqual(['old', 'recent']);
    retirement.retire(['old', 'old'], 30);
    expect(announced).toEqual([['old']]);
  });

  it('retires nothing when one machine is unknown or was heard within the N days', () => {
    const { registry, retirement, removed, hear } = setup();
    expect(() => retirement.retire(['old', 'recent'], 30)).toThrow(/machine recent was heard from 24 h ago, within 30 days: nothing retired/);
    expect(() => retirement.retire(['old', 'ghost'], 30)).toThrow(/no machine ghost/);
    // listed a moment ago, then it spoke again
    hear('old', 100 * DAY);
    expect(() => retirement.retire(['old'], 30)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(removed).toEqual([]);
    expect(registry.size).toBe(3);
  });
});
