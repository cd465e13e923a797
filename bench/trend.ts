/**
 * npm run bench:trend: how long the renderer's TrendChart takes in Chromium to draw 24 h of 4 sensors
 * at 1 Hz (345,600 points), from setHistory to the first draw; the median of 5 runs against 100 ms.
 */
import { readFileSync } from 'node:fs';
import type { TrendChart as TrendChartClass } from '../renderer/src/trend/trend-chart';
import { launchChromium } from '../test/e2e/support';
import { trendChartBundle } from '../test/e2e/trend-bundle';

const BUDGET_MS = 100;

export async function timeTrendDraw(runs = 5): Promise<number[]> {
  const uplotCss = readFileSync(new URL('../node_modules/uplot/dist/uPlot.min.css', import.meta.url), 'utf8');
  const code = await trendChartBundle();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.setContent(`<style>${uplotCss}</style><div id="plot" style="width:1800px"></div>`);
    await page.addScriptTag({ content: code });
    // tsx (esbuild keepNames) wraps named functions in __name(); the page needs it defined.
    await page.evaluate('window.__name = (f) => f');
    return await page.evaluate(async (count) => {
      const { TrendChart } = (window as unknown as { FactoryBrainTrend: { TrendChart: typeof TrendChartClass } }).FactoryBrainTrend;
      const n = 86_400;
      const end = Date.UTC(2026, 0, 2);
      const t = Array.from({ length: n }, (_, i) => end - (n - i) * 1000);
      const ys = [0, 1, 2, 3].map((s) => Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin(i / (500 + s * 97)) + Math.random())) as number[][];
      const results: number[] = [];
      for (let run = 0; run < count; run++) {
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
    }, runs);
  } finally {
    await browser.close();
  }
}

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (import.meta.url === `file://${process.argv[1]}`) {
  const timings = await timeTrendDraw();
  const m = median(timings);
  console.log(`trend 345,600 points: runs ${timings.map((x) => x.toFixed(1)).join(', ')} ms; median ${m.toFixed(1)} ms (limit ${BUDGET_MS} ms)`);
  console.log(JSON.stringify({ runsMs: timings.map((x) => Number(x.toFixed(1))), medianMs: Number(m.toFixed(1)), limitMs: BUDGET_MS, pass: m < BUDGET_MS }));
}
