import { describe, expect, it, vi } from 'vitest';
import { FanOut } from './fan-out';

const reading = { machineId: 'm', ts: 1, metrics: { t: 1 }, receivedAt: 1 };

describe('FanOut', () => {
  it('fans every stage out to the registered listeners', () => {
    const hooks = new FanOut(() => {});
    const onReading = vi.fn();
    const onMachines = vi.fn();
    hooks.register({ name: 'a', onReading, onMachines });
    hooks.reading(reading);
    hooks.machines([]);
    expect(onReading).toHaveBeenCalledWith(reading);
    expect(onMachines).toHaveBeenCalledWith([]);
  });

  it('isolates a throwing listener, counts and reports it, and still calls the others', () => {
    const report = vi.fn();
    const hooks = new FanOut(report);
    const good = vi.fn();
    hooks.register({ name: 'bad', onReading: () => { throw new Error('boom'); } });
    hooks.register({ name: 'good', onReading: good });
    hooks.reading(reading);
    hooks.reading(reading);
    expect(good).toHaveBeenCalledTimes(2);
    expect(hooks.failures.get('bad')).toBe(2);
    expect(report).toHaveBeenCalledWith('bad', expect.any(Error));
  });

  it('unregisters', () => {
    const hooks = new FanOut(() => {});
    const onReading = vi.fn();
    hooks.register({ name: 'a', onReading })();
    hooks.reading(reading);
    expect(onReading).not.toHaveBeenCalled();
  });
});
