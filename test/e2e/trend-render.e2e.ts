import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TrendChart as TrendChartClass } from '../../renderer/src/trend/trend-chart';
import { launchChromium } from './support';
import { trendChartBundle } from './trend-bundle';

const BUDGET_MS = 100;
const uplotCss = readFileSync(new URL('../../node_modules/uplot/dist/uPlot.min.css', import.meta.url), 'utf8');

describe('trend rendering in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const code = await trendChartBundle();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.setContent(`<style>${uplotCss}</style><div id="plot" style="width:1800px"></div>`);
    await page.addScriptTag({ content: code });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(`draws 24 h of 4 sensors at 1 Hz (345,600 points) in under ${BUDGET_MS} ms`, async () => {
    const timings = await page.evaluate(async () => {
      const { TrendChart } = (window as unknown as { FactoryBrainTrend: { TrendChart: typeof TrendChartClass } }).FactoryBrainTrend;
      const n = 86_400;
      const end = Date.UTC(2026, 0, 2);
      const t = Array.from({ length: n }, (_, i) => end - (n - i) * 1000);
      const ys = [0, 1, 2, 3].map((s) => Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin(i / (500 + s * 97)) + Math.random())) as number[][];
      const results: number[] = [];
      for (let run = 0; run < 5; run++) {
        const target = document.getElementById('plot')!;
        target.replaceChildren();
        const chart = new TrendChart({ target, series: ys.map((_, s) => ({ label: `s${s}` })), width: 1800, height: 400, windowMs: n * 1000, now: () => end });
        const drawn = new Promise<number>((resolve) => chart.plot.hooks.draw!.push(() => resolve(performance.now())));
        const start = performance.now();
        chart.setHistory(t, ys, 1000);
        results.push((await drawn) - start);
        chart.destroy();
      }
      return results;
    });
    const sorted = [...timings].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`trend 345,600 points: runs ${timings.map((x) => x.toFixed(1)).join(', ')} ms; median ${median.toFixed(1)} ms (target < ${BUDGET_MS} ms)`);
    expect(median).toBeLessThan(BUDGET_MS);
  });
});
