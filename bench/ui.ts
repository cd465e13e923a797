/// <reference lib="dom" />
/**
 * npm run bench:ui — the control room in Debian's Chromium against the headless host, with the
 * simulator at 500 machines x 1 Hz and a trend board of 8 live charts open. Prints, beside targets:
 *  - frame work p95: from each animation frame's start to the task after it (scripts, style, layout
 *    and paint of that frame), target < 16 ms; and the rAF interval p95 (cadence; 16.7 ms at 60 Hz);
 *  - long tasks (PerformanceObserver 'longtask'), target: none over 50 ms in the trace;
 *  - JS heap (CDP, after a forced GC) sampled over the run; target: heap at the end within 20 % of
 *    heap at 5 minutes. That figure needs `--minutes 30`; a shorter run prints the trend only.
 * Options: --seconds N (frame trace, default 60), --minutes N (whole run, default: the trace only),
 * --machines N (default 500), --view trends|overview (default trends), --trace FILE (records a Chromium
 * trace of the frame window into FILE and prints the main thread's time per frame by event; the tracing
 * itself slows the page, so the frame figures of such a run are not the ones to quote). `overview` traces the plant
 * overview instead, on a 3840x2160 window at desk scale, where every one of the 500 tiles draws its
 * analog bars and sparklines and moves with each reading. The last line is one JSON object with
 * every figure and `pass`.
 */
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium, serveApp } from '../test/e2e/support';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const TRACE_S = arg('seconds', 60);
const MACHINES = arg('machines', 500);
const TOTAL_S = Math.max(TRACE_S, arg('minutes', 0) * 60);
const VIEW = process.argv.includes('--view') && process.argv[process.argv.indexOf('--view') + 1] === 'overview' ? 'overview' : 'trends';
const CHARTS = VIEW === 'trends' ? 8 : 0;
const HEAP_SAMPLE_S = 30;
const TRACE_FILE = process.argv.includes('--trace') ? process.argv[process.argv.indexOf('--trace') + 1] : undefined;
/** The main thread's rendering steps the breakdown prints (nested steps count inside their parents too). */
const TRACED_STEPS = ['ProxyMain::BeginMainFrame', 'FunctionCall', 'FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'HitTest', 'UpdateLayer', 'ParseHTML', 'MajorGC', 'MinorGC'];
const TARGETS = { frameWorkP95Ms: 16, longTaskMaxMs: 50, heapGrowthPct: 20 };

const log = (line: string) => console.log(line);
const p = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
};

async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 1e6;
}

type Trace = { intervals: number[]; work: number[]; longTasks: number[] };

/** Installs the frame and long-task recorders in the page; window.__bench.stop() ends them and returns their figures. */
async function startRecording(page: Page) {
  // A string, not a function: tsx would wrap named inner functions in a helper the page does not have.
  await page.evaluate(`(() => {
    const bench = { intervals: [], work: [], longTasks: [] };
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    const channel = new MessageChannel();
    let frameStart = 0;
    channel.port1.onmessage = () => bench.work.push(performance.now() - frameStart);
    let last = 0;
    let request = 0;
    const frame = (now) => {
      if (last) bench.intervals.push(now - last);
      last = now;
      frameStart = performance.now();
      // Runs as the first task after this frame's rendering: the gap is the frame's main-thread work.
      channel.port2.postMessage(0);
      request = requestAnimationFrame(frame);
    };
    request = requestAnimationFrame(frame);
    window.__bench = {
      stop() {
        cancelAnimationFrame(request);
        observer.disconnect();
        channel.port1.close();
        delete window.__bench;
        return bench;
      },
    };
  })()`);
}

/** Main-thread milliseconds per frame by rendering step, from a Chromium trace's complete events. */
async function printTrace(buffer: Buffer) {
  type Event = { name: string; ph: string; dur?: number; pid: number; tid: number; args?: { name?: string } };
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents: Event[] } | Event[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const totals = new Map<string, { ms: number; n: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined || !mains.has(`${e.pid}:${e.tid}`) || !TRACED_STEPS.includes(e.name)) continue;
    const t = totals.get(e.name) ?? { ms: 0, n: 0 };
    t.ms += e.dur / 1000;
    t.n += 1;
    totals.set(e.name, t);
  }
  const frames = Math.max(1, totals.get('ProxyMain::BeginMainFrame')?.n ?? 1);
  log(`trace (${TRACE_FILE}), main thread per frame over ${frames} frames:`);
  for (const name of TRACED_STEPS) {
    const t = totals.get(name);
    if (t) log(`  ${name.padEnd(28)} ${(t.ms / frames).toFixed(2).padStart(8)} ms  (${t.n} events, ${t.ms.toFixed(0)} ms in all)`);
  }
}

/** Left running after the trace, the recorder's arrays would grow some 80 kB a minute and count in the page's heap. */
const stopRecording = (page: Page) => page.evaluate(() => (window as unknown as { __bench: { stop(): Trace } }).__bench.stop());

async function main() {
  log(`bench:ui — ${MACHINES} machines x 1 Hz, ${VIEW === 'trends' ? `${CHARTS} live charts` : 'plant overview at 3840x2160, every tile animated'}, ${TRACE_S} s frame trace, ${Math.round(TOTAL_S / 60)} min run`);
  const app = await serveApp({ simulator: { machines: MACHINES } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEW === 'overview' ? { width: 3840, height: 2160 } : { width: 1920, height: 1080 } });
    // the link serve prints fills in the first-run setup token
    await page.goto(app.setupToken ? `${app.url}#setup=${app.setupToken}` : app.url);
    await page.getByTestId('setup-username').fill('bench');
    await page.getByTestId('setup-password').fill('bench password 123');
    await page.getByTestId('setup-confirm').fill('bench password 123');
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('logout').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="machine-tile"]').length >= n, MACHINES, { timeout: 120_000, polling: 1000 });
    if (VIEW === 'trends') {
      const ids = await page.$$eval('[data-testid="machine-tile"]', (tiles) => tiles.map((t) => t.getAttribute('data-machine-id') ?? ''));
      const step = Math.floor(ids.length / CHARTS);
      const pens = Array.from({ length: CHARTS }, (_, i) => `${ids[i * step]}:power`).join(',');
      await page.evaluate((p) => (window.location.hash = `#/trends?pens=${encodeURIComponent(p)}`), pens);
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="trend"] canvas').length >= n, CHARTS, { timeout: 60_000 });
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="trend-resolution"]')].every((e) => e.textContent !== 'loading…'), null, { timeout: 60_000 });
    } else {
      // every tile with bars and a sparkline that has some history
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="machine-tile"] [data-testid="analog-bar"][data-sparkline="drawn"]').length >= n, MACHINES, { timeout: 120_000, polling: 1000 });
      log(`overview: tiles drawn at density ${await page.getByTestId('plant-grid').getAttribute('data-density')}`);
    }

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap: { atS: number; mb: number }[] = [{ atS: 0, mb: await heapMb(cdp) }];
    log(`heap at 0 s: ${heap[0]!.mb.toFixed(1)} MB`);
    if (TRACE_FILE) await browser.startTracing(page, { path: TRACE_FILE, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8'] });
    await startRecording(page);
    const started = Date.now();
    let traced: Trace | null = null;
    while ((Date.now() - started) / 1000 < TOTAL_S) {
      const elapsedS = (Date.now() - started) / 1000;
      const nextSample = Math.min(TOTAL_S, (Math.floor(elapsedS / HEAP_SAMPLE_S) + 1) * HEAP_SAMPLE_S);
      const nextStop = !traced && TRACE_S < nextSample ? TRACE_S : nextSample;
      await page.waitForTimeout(Math.max(0, nextStop * 1000 - (Date.now() - started)));
      if (!traced && (Date.now() - started) / 1000 >= TRACE_S) {
        traced = await stopRecording(page);
        if (TRACE_FILE) await printTrace(await browser.stopTracing());
      }
      if (nextStop === nextSample) {
        const sample = { atS: Math.round((Date.now() - started) / 1000), mb: await heapMb(cdp) };
        heap.push(sample);
        log(`heap at ${sample.atS} s: ${sample.mb.toFixed(1)} MB`);
      }
    }
    traced ??= await stopRecording(page);
    const sparklines = await page.$$eval('[data-testid="analog-bar"][data-sparkline="drawn"]', (s) => s.length);
    const trendsStillLive = await page.$$eval('[data-testid="trend"]', (trends) => trends.filter((t) => t.getAttribute('data-quality') === 'good').length);

    const workP95 = p(traced.work, 0.95);
    const intervalP95 = p(traced.intervals, 0.95);
    const longest = traced.longTasks.length ? Math.max(...traced.longTasks) : 0;
    const at5 = heap.find((h) => h.atS >= 300) ?? null;
    const end = heap[heap.length - 1]!;
    const growthPct = at5 && end.atS >= 1800 ? ((end.mb - at5.mb) / at5.mb) * 100 : null;
    const slopeMbPerMin = heap.length > 1 ? ((end.mb - heap[1]!.mb) / Math.max(1, end.atS - heap[1]!.atS)) * 60 : NaN;

    log('');
    log(`frames traced:        ${traced.intervals.length} in ${TRACE_S} s; ${VIEW === 'trends' ? `${trendsStillLive}/${CHARTS} charts live at the end` : `${sparklines} sparklines on the overview at the end`}`);
    log(`frame work p95:       ${workP95.toFixed(1)} ms   (target < ${TARGETS.frameWorkP95Ms} ms)  ${workP95 < TARGETS.frameWorkP95Ms ? 'OK' : 'MISSED'}`);
    log(`rAF interval p95:     ${intervalP95.toFixed(1)} ms   (60 Hz cadence is 16.7 ms)`);
    log(`long tasks:           ${traced.longTasks.length}, longest ${longest.toFixed(0)} ms   (target: none > ${TARGETS.longTaskMaxMs} ms)  ${longest <= TARGETS.longTaskMaxMs ? 'OK' : 'MISSED'}`);
    log(
      growthPct === null
        ? `heap:                 ${heap[0]!.mb.toFixed(1)} → ${end.mb.toFixed(1)} MB over ${end.atS} s (${slopeMbPerMin.toFixed(2)} MB/min after the first sample); the 5-min vs 30-min figure needs --minutes 30`
        : `heap 5 min → ${Math.round(end.atS / 60)} min:   ${at5!.mb.toFixed(1)} → ${end.mb.toFixed(1)} MB, ${growthPct.toFixed(1)} %   (target within ${TARGETS.heapGrowthPct} %)  ${Math.abs(growthPct) <= TARGETS.heapGrowthPct ? 'OK' : 'MISSED'}`,
    );
    const pass = workP95 < TARGETS.frameWorkP95Ms && longest <= TARGETS.longTaskMaxMs && (growthPct === null || Math.abs(growthPct) <= TARGETS.heapGrowthPct);
    console.log(
      JSON.stringify({
        view: VIEW,
        machines: MACHINES,
        charts: CHARTS,
        traceS: TRACE_S,
        frames: traced.intervals.length,
        frameWorkP95Ms: +workP95.toFixed(2),
        rafIntervalP95Ms: +intervalP95.toFixed(2),
        longTasks: traced.longTasks.length,
        longestTaskMs: +longest.toFixed(1),
        heapMb: heap.map((h) => ({ atS: h.atS, mb: +h.mb.toFixed(2) })),
        heapGrowthPct5to30: growthPct === null ? null : +growthPct.toFixed(1),
        targets: TARGETS,
        pass,
      }),
    );
  } finally {
    await browser.close();
    await app.stop();
  }
}

main().catch((err) => {
  console.error(`bench:ui failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
