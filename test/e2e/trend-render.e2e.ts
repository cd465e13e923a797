import { describe, expect, it } from 'vitest';
import { median, timeTrendDraw } from '../../bench/trend';

// The 100 ms budget is a benchmark (npm run bench:trend): a shared machine's load must not fail a test.
describe('trend rendering in Chromium', () => {
  it('draws 24 h of 4 sensors at 1 Hz (345,600 points) every time it is given them', async () => {
    const timings = await timeTrendDraw(3);
    console.log(`trend 345,600 points: runs ${timings.map((x) => x.toFixed(1)).join(', ')} ms; median ${median(timings).toFixed(1)} ms (budget in bench:trend)`);
    expect(timings).toHaveLength(3);
    for (const t of timings) expect(Number.isFinite(t) && t > 0).toBe(true);
  });
});
