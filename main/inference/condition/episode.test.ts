import { describe, expect, it } from 'vitest';
import { Episode } from './episode';

describe('Episode', () => {
  it('raises once the score has stayed above 1, clears once it has stayed below release, and never chatters', () => {
    const e = new Episode(60_000, 600_000, 0.6);
    const changes: string[] = [];
    // Above the limit for 70 s, then swinging across it and down to the release level for an hour, every 5 s.
    for (let t = 0; t < 3_600_000; t += 5_000) {
      const c = e.update(t < 70_000 ? 1.5 : t % 20_000 < 10_000 ? 1.2 : 0.5, t);
      if (c) changes.push(`${c}@${t}`);
    }
    expect(changes).toEqual(['raised@60000']);
    expect(e.since).toBe(0);
    for (let t = 3_600_000; t < 4_300_000; t += 5_000) {
      const c = e.update(0.3, t);
      if (c) changes.push(`${c}@${t}`);
    }
    expect(changes).toEqual(['raised@60000', 'cleared@4190000']);
  });

  it('does not raise on a short excursion, and a pause restarts its timers', () => {
    const e = new Episode(60_000, 600_000, 0.6);
    expect(e.update(5, 0)).toBeNull();
    expect(e.update(5, 55_000)).toBeNull();
    e.pause();
    expect(e.update(5, 100_000)).toBeNull();
    expect(e.update(0.1, 110_000)).toBeNull();
    expect(e.active).toBe(false);
  });
});
