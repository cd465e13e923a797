/**
 * npm run bench:trend: how long the renderer's TrendChart takes in Chromium to draw 24 h of 4 sensors
 * at 1 Hz (345,600 points), from setHistory to the first draw; the median of 5 runs against 100 ms.
 * Then the store's side of a trend: readings.history for 1 h of raw readings (3,600 rows, 4 of 100
 * sensors) of one machine in a store that 25 machines wrote at 1 Hz side by side, each read on a
 * fresh connection (SQLite's page cache cold, the OS's warm); the median of 10 reads against 500 ms,
 * about where an operator opening a trend notices the wait. A page holds 4 or 5 such rows, so from
 * 5 machines on each row of the machine read sits on a page of its own, as with more machines.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrendChart as TrendChartClass } from '../renderer/src/trend/trend-chart';
import type { EventMs, WallMs } from '../common/time';
import { queryHistory } from '../main/store/history';
import { encodeMetrics, type StoredMetrics } from '../main/store/metrics-codec';
import { openDatabase } from '../main/store/open-database';
import { TelemetrySink } from '../main/store/telemetry-sink';
import { launchChromium } from '../test/e2e/support';
import { trendChartBundle } from '../test/e2e/trend-bundle';

const BUDGET_MS = 100;
const READ_BUDGET_MS = 500;
const READ_MACHINES = 25;
const READ_SECONDS = 3600;
const READ_SENSORS = 100;

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

/** Writes the store through the telemetry writer's sink, then times readings.history on it. */
export function timeHistoryRead(reads = 10): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'fb-bench-trend-'));
  try {
    const path = join(dir, 'store.db');
    const start = Date.UTC(2026, 0, 1);
    const db = openDatabase(path, { synchronous: 'NORMAL' });
    const sink = new TelemetrySink(db, { retention: { rawDays: 7, minuteDays: 90, hourDays: 1825 }, now: () => (start + READ_SECONDS * 1000) as WallMs });
    const machineIds = Array.from({ length: READ_MACHINES }, (_, m) => `press-${m}`);
    const metrics: StoredMetrics[] = [];
    for (let s = 0; s < READ_SECONDS; s++) {
      metrics.length = 0;
      for (let m = 0; m < READ_MACHINES; m++) metrics.push(encodeMetrics(Object.fromEntries(Array.from({ length: READ_SENSORS }, (_, k) => [`s${k}`, 50 + Math.sin((s + m + k) / 60)]))));
      sink.write({ machineIds, ts: machineIds.map(() => start + s * 1000), metrics });
    }
    db.close();
    const timings: number[] = [];
    for (let r = 0; r < reads; r++) {
      const reader = openDatabase(path, { readonly: true });
      const began = performance.now();
      const history = queryHistory(reader, { machineId: machineIds[(r * 37) % READ_MACHINES]!, sensors: ['s0', 's1', 's2', 's3'], from: start as EventMs, to: (start + READ_SECONDS * 1000) as EventMs, maxPoints: 7200 });
      timings.push(performance.now() - began);
      reader.close();
      if (history.resolution !== 'raw' || history.series[0]?.t.length !== READ_SECONDS) throw new Error(`read ${history.resolution} with ${history.series[0]?.t.length} points, expected ${READ_SECONDS} raw`);
    }
    return timings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const timings = await timeTrendDraw();
  const m = median(timings);
  console.log(`trend 345,600 points: runs ${timings.map((x) => x.toFixed(1)).join(', ')} ms; median ${m.toFixed(1)} ms (limit ${BUDGET_MS} ms)`);
  const reads = timeHistoryRead();
  const r = median(reads);
  console.log(`history 1 h raw of 1 of ${READ_MACHINES} machines (${READ_SECONDS} rows): reads ${reads.map((x) => x.toFixed(1)).join(', ')} ms; median ${r.toFixed(1)} ms (limit ${READ_BUDGET_MS} ms)`);
  console.log(
    JSON.stringify({
      runsMs: timings.map((x) => Number(x.toFixed(1))),
      medianMs: Number(m.toFixed(1)),
      limitMs: BUDGET_MS,
      historyReadsMs: reads.map((x) => Number(x.toFixed(1))),
      historyReadMedianMs: Number(r.toFixed(1)),
      historyReadLimitMs: READ_BUDGET_MS,
      pass: m < BUDGET_MS && r < READ_BUDGET_MS,
    }),
  );
}
