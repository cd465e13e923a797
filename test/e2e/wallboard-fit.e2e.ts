/**
 * The overview and every built-in wallboard fit the screen with no vertical scroll, at desk HD and
 * wallboard 4K, for the built-in plant of 24 machines and for 500: every tile lies inside the
 * window and inside its grid (none is clipped away), and the document does not scroll. The KPI
 * cards above the tiles show their names, values and details whole, none cut short.
 */
import { mkdirSync } from 'node:fs';
import mqtt from 'mqtt';
import sparkplug from 'sparkplug-payload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cutKpiText } from './cut-text';
import { launchChromium, login, SCREENSHOTS, serveApp, setupFirstAdmin, type ServedApp } from './support';

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;
const BOARDS = ['overview', 'plant', 'areas'] as const;

interface Fit {
  scrollHeight: number;
  innerHeight: number;
  scrollWidth: number;
  innerWidth: number;
  tiles: number;
  outsideWindow: number;
  clippedByGrid: number;
  density: string | null;
  fits: string | null;
}

/** Measures the page as it is drawn now. */
const measure = (page: Page): Promise<Fit> =>
  page.evaluate(() => {
    const scroller = document.scrollingElement ?? document.documentElement;
    const tiles = [...document.querySelectorAll('[data-testid="machine-tile"]')];
    const grid = document.querySelector('[data-testid="plant-grid"] .tiles');
    const gridBottom = grid ? grid.getBoundingClientRect().bottom : Infinity;
    return {
      scrollHeight: scroller.scrollHeight,
      innerHeight: window.innerHeight,
      scrollWidth: scroller.scrollWidth,
      innerWidth: window.innerWidth,
      tiles: tiles.length,
      outsideWindow: tiles.filter((t) => t.getBoundingClientRect().bottom > window.innerHeight + 0.5 || t.getBoundingClientRect().right > window.innerWidth + 0.5).length,
      clippedByGrid: tiles.filter((t) => t.getBoundingClientRect().bottom > gridBottom + 0.5).length,
      density: document.querySelector('[data-testid="plant-grid"]')?.getAttribute('data-density') ?? null,
      fits: document.querySelector('[data-testid="plant-grid"]')?.getAttribute('data-fits') ?? null,
    };
  });

/** Waits until the grid has been measured and laid out, then for a little live data. */
async function settled(page: Page) {
  await page.waitForFunction(() => document.querySelector('[data-testid="plant-grid"]')?.getAttribute('data-fits') !== null, null, { timeout: 30_000 });
  await page.waitForTimeout(1_500);
}

function expectFit(fit: Fit, expectedTiles: number, what: string) {
  expect.soft(fit.scrollHeight, `${what}: document height`).toBeLessThanOrEqual(fit.innerHeight);
  expect.soft(fit.scrollWidth, `${what}: document width`).toBeLessThanOrEqual(fit.innerWidth);
  expect.soft(fit.tiles, `${what}: tiles`).toBe(expectedTiles);
  expect.soft(fit.outsideWindow, `${what}: tiles outside the window`).toBe(0);
  expect.soft(fit.clippedByGrid, `${what}: tiles cut off by the grid`).toBe(0);
  expect.soft(fit.fits, `${what}: layout fits`).toBe('true');
}

for (const machines of [24, 500]) {
  describe(`with ${machines} machines, the overview and the wallboards fit 1920x1080 and 3840x2160 in Chromium`, () => {
    let app: ServedApp;
    let browser: Browser;
    const pages: Page[] = [];
    let areas: Record<string, number> = {};

    beforeAll(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      app = await serveApp({ simulator: { machines } });
      browser = await launchChromium();
      const first = await browser.newPage({ viewport: SIZES[0] });
      await setupFirstAdmin(first, app.url);
      await first.waitForFunction((n) => document.querySelectorAll('[data-testid="machine-tile"]').length >= n, machines, { timeout: 120_000, polling: 1000 });
      areas = Object.fromEntries(
        await first.$$eval('[data-testid="area"]', (cells) => cells.map((c) => [c.getAttribute('data-area') ?? '', Number(c.querySelector('.area-count')?.textContent)])),
      );
      const big = await browser.newPage({ viewport: SIZES[1] });
      await login(big, app.url);
      pages.push(first, big);
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });

    it('knows every machine in its areas', () => {
      expect(Object.values(areas).reduce((a, b) => a + b, 0)).toBe(machines);
    });

    for (const [i, size] of SIZES.entries()) {
      const at = `${size.width}x${size.height}`;

      it(`the plant overview at ${at} shows every machine without scrolling`, async () => {
        const page = pages[i]!;
        await page.evaluate(() => (window.location.hash = '#/'));
        await page.getByTestId('kpis').waitFor({ timeout: 30_000 });
        await settled(page);
        const fit = await measure(page);
        await page.screenshot({ path: `${SCREENSHOTS}overview-${machines}-${at}.png` });
        expectFit(fit, machines, `overview ${at}`);
        expect.soft(await cutKpiText(page), `overview ${at}: KPI text cut off`).toEqual([]);
        // Units from the simulator's meta reach every tile that has bars.
        if (fit.density === 'full' || fit.density === 'compact') expect(await page.locator('[data-testid="sensor-value"] .sensor-unit').count()).toBeGreaterThan(0);
      });

      if (machines === 24) {
        it(`analytics, energy and a machine at ${at}: charts drawn, screenshots saved`, async () => {
          const page = pages[i]!;
          await page.evaluate(() => (window.location.hash = '#/analytics'));
          await page.locator('[data-testid="chart-alarm-rate"] canvas').first().waitFor({ timeout: 30_000 });
          for (const id of ['chart-oee', 'chart-energy', 'chart-savings', 'chart-downtime', 'chart-downtime-machines']) expect(await page.getByTestId(id).count(), id).toBe(1);
          await page.waitForTimeout(1_000);
          await page.screenshot({ path: `${SCREENSHOTS}analytics-${machines}-${at}.png` });
          await page.evaluate(() => (window.location.hash = '#/energy'));
          await page.getByTestId('chart-load-profile').waitFor({ timeout: 30_000 });
          await page.waitForTimeout(1_500);
          await page.screenshot({ path: `${SCREENSHOTS}energy-${machines}-${at}.png` });
        });
      }

      for (const board of BOARDS) {
        it(`wallboard "${board}" at ${at}: every page without scrolling`, async () => {
          const page = pages[i]!;
          await page.goto(new URL(`/wallboard/${board}?rotate=0`, app.url).href);
          await page.getByTestId('wallboard').waitFor({ timeout: 30_000 });
          const label = (await page.getByTestId('wallboard-page').textContent()) ?? '';
          const count = Number(/\/(\d+)$/.exec(label)?.[1] ?? 1);
          for (let p = 0; p < count; p++) {
            if (p > 0) {
              await page.keyboard.press('ArrowRight');
              await page.waitForFunction((n) => document.querySelector('[data-testid="wallboard"]')?.getAttribute('data-page') === String(n), p, { timeout: 10_000 });
            }
            await settled(page);
            const pageLabel = (await page.getByTestId('wallboard-page').textContent()) ?? '';
            const area = /^Area (.+) · /.exec(pageLabel)?.[1];
            const fit = await measure(page);
            if (p === 0 || p === count - 1) await page.screenshot({ path: `${SCREENSHOTS}wallboard-${board}-${p + 1}-${machines}-${at}.png` });
            expectFit(fit, area === undefined ? machines : (areas[area] ?? -1), `${board} page ${p + 1} (${pageLabel}) ${at}`);
            expect.soft(await cutKpiText(page), `${board} page ${p + 1} ${at}: KPI text cut off`).toEqual([]);
          }
        });
      }
    }
  });
}

describe('units reach the screens in Chromium: from a JSON meta message and from Sparkplug metric properties', () => {
  let app: ServedApp;
  let browser: Browser;
  let page: Page;
  let client: mqtt.MqttClient;

  beforeAll(async () => {
    app = await serveApp({ simulator: { enabled: false } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: SIZES[0] });
    await setupFirstAdmin(page, app.url);
    const health = (await (await fetch(new URL('/api/health', app.url))).json()) as { broker: { url: string } };
    client = await mqtt.connectAsync(health.broker.url, { reconnectPeriod: 0 });
  }, 120_000);
  afterAll(async () => {
    await client?.endAsync();
    await browser?.close();
    await app?.stop();
  });

  it('a JSON meta with units, ranges and a counter: the tile, the area table and the machine screen', async () => {
    await client.publishAsync(
      'factory/acme/Bakery/oven-7/meta',
      JSON.stringify({ type: 'oven', name: 'Oven 7', units: { temperature: '°C', loaves: 'loaves', note: '<b>x</b>' }, ranges: { temperature: { normal: [150, 230], display: [0, 300] } }, counters: ['loaves'] }),
      { qos: 1, retain: true },
    );
    const ts = Date.now();
    for (let i = 0; i < 3; i++) await client.publishAsync('factory/acme/Bakery/oven-7/telemetry', JSON.stringify({ ts: ts - 2000 + i * 1000, metrics: { temperature: 95.04 + i, loaves: 1234567 + i, note: 1 } }), { qos: 1 });
    const row = page.locator('[data-testid="machine-tile"][data-machine-id="acme/Bakery/oven-7"] [data-testid="sensor-value"][data-sensor="temperature"]');
    await row.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => /97 °C|97°C/.test(document.querySelector('[data-machine-id="acme/Bakery/oven-7"] [data-sensor="temperature"]')?.textContent ?? ''), null, { timeout: 15_000 });
    // 0–300 display range: whole degrees; below the 150–230 normal band
    // (a STALE mark may follow once the three readings age)
    expect(await row.textContent()).toMatch(/^temperature97°C/);
    expect(await row.getAttribute('data-zone')).toBe('abnormal');

    await page.evaluate(() => (window.location.hash = '#/area/Bakery'));
    await page.getByTestId('area-row').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="area-column"][data-sensor="temperature"]').textContent()).toBe('temperature (°C)');
    expect(await page.locator('[data-testid="area-column"][data-sensor="note"]').textContent()).toBe('note (unit unknown)');
    await page.waitForFunction(() => document.querySelector('[data-testid="area-row"] td[data-sensor="loaves"]')?.textContent?.startsWith('1,234,569'), null, { timeout: 15_000 });

    await page.evaluate(() => (window.location.hash = `#/machine/${encodeURIComponent('acme/Bakery/oven-7')}`));
    await page.getByTestId('eng-editor').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('units-unknown').textContent()).toBe('Unit not known for note.');
    await page.screenshot({ path: `${SCREENSHOTS}units-machine-1920x1080.png` });
  });

  it('an engineer edits a unit for the machine; the tile follows', async () => {
    const unit = page.locator('[data-testid="eng-unit"][data-sensor="temperature"]');
    await unit.fill('degC');
    await page.locator('[data-testid="eng-row"][data-sensor="temperature"] [data-testid="eng-save"]').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="eng-unit"][data-sensor="temperature"]') as HTMLInputElement | null)?.value === 'degC', null, { timeout: 15_000 });
    await page.locator('[data-testid="eng-unit"][data-sensor="note"]').fill('<i>bad</i>');
    await page.locator('[data-testid="eng-row"][data-sensor="note"] [data-testid="eng-save"]').click();
    expect(await page.locator('[data-testid="eng-row"][data-sensor="note"] [data-testid="eng-message"]').textContent()).toContain('no markup');
    await page.evaluate(() => (window.location.hash = '#/'));
    await page.waitForFunction(() => /degC/.test(document.querySelector('[data-machine-id="acme/Bakery/oven-7"] [data-sensor="temperature"]')?.textContent ?? ''), null, { timeout: 15_000 });
  });

  it('Sparkplug engUnit, engLow and engHigh of a DBIRTH reach the tile', async () => {
    const sp = sparkplug.get('spBv1.0')!;
    const now = Date.now();
    await client.publishAsync('spBv1.0/line2/NBIRTH/edge9', Buffer.from(sp.encodePayload({ timestamp: now, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] })), { qos: 0 });
    await client.publishAsync(
      'spBv1.0/line2/DBIRTH/edge9/press3',
      Buffer.from(
        sp.encodePayload({
          timestamp: now,
          seq: 1,
          metrics: [{ name: 'Force', alias: 1, type: 'Double', value: 412.5, properties: { engUnit: { type: 'String', value: 'kN' }, engLow: { type: 'Double', value: 0 }, engHigh: { type: 'Double', value: 1000 } } }],
        }),
      ),
      { qos: 0 },
    );
    await page.waitForFunction(() => document.querySelector('[data-machine-id="line2/edge9/press3"] [data-sensor="Force"]')?.textContent === 'Force413kN', null, { timeout: 30_000 });
    await page.screenshot({ path: `${SCREENSHOTS}units-overview-1920x1080.png` });
  });
});

