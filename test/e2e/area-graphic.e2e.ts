/**
 * A Level 2 area graphic in Chromium: the automatic arrangement first, then an engineer (a
 * supervisor) drags a machine, connects two and saves; after a reload the machine is where it was
 * placed and the connection is drawn; on a 4K wall at wallboard type the same layout, scaled with its
 * larger boxes, has no box over another. Screenshots at desk HD and wallboard 4K. At 1920x1080 and
 * 3840x2160, at desk and wallboard type, the whole drawing is on the first screen (no scrolling to
 * see it) and the KPI cards above it are whole. An area of 500 machines fits the drawing without one
 * box over another and without scrolling.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { cutKpiText } from './cut-text';
import { ADMIN_PASSWORD, createUser, launchChromium, login, SCREENSHOTS, serveApp, setupFirstAdmin, SLOW, type ServedApp } from './support';

const ENGINEER = { username: 'erin', password: 'erin password 1' };

/** Pairs of machine boxes drawn over one another by more than half a pixel both ways. */
const overlappingBoxes = (page: Page) =>
  page.$$eval('[data-testid="area-node"]', (nodes) => {
    const boxes = nodes.map((n) => ({ id: n.getAttribute('data-machine-id'), r: n.getBoundingClientRect() }));
    const pairs: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.r;
        const b = boxes[j]!.r;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) pairs.push(`${boxes[i]!.id}/${boxes[j]!.id}`);
      }
    return pairs;
  });

/** Where the drawing lies on the first screen (the page scrolled to its top), and the window's height. */
const drawingOnScreen = (page: Page) =>
  page.evaluate(() => {
    window.scrollTo(0, 0);
    const r = document.querySelector('[data-testid="area-drawing"]')!.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: r.height, viewport: window.innerHeight };
  });

/** Asserts the whole drawing is on the first screen, with room for more than a sliver of it. */
async function expectDrawingOnScreen(page: Page, at: string) {
  const d = await drawingOnScreen(page);
  expect(d.bottom, `drawing bottom at ${at} (${JSON.stringify(d)})`).toBeLessThanOrEqual(d.viewport);
  expect(d.height, `drawing height at ${at}`).toBeGreaterThanOrEqual(d.viewport / 4);
  expect(await cutKpiText(page), `KPI text cut off at ${at}`).toEqual([]);
}

/** Sets the screen's type (desk or wallboard) with the header's toggle, when it is not that already. */
async function setDensity(page: Page, wallboard: boolean) {
  const want = wallboard ? 'wallboard' : 'desk';
  if ((await page.evaluate(() => document.documentElement.dataset['density'])) !== want) await page.getByTestId('density-toggle').click();
  expect(await page.evaluate(() => document.documentElement.dataset['density'])).toBe(want);
}

const box = async (page: Page, selector: string) => {
  const b = await page.locator(selector).boundingBox();
  if (!b) throw new Error(`${selector} is not drawn`);
  return b;
};

describe('area graphic, arranged by an engineer, in Chromium', () => {
  let app: ServedApp;
  let browser: Browser;
  let page: Page;
  let area = '';

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await serveApp();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await setupFirstAdmin(page, app.url);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="machine-tile"]').length >= 24, null, { timeout: 30_000 });
    area = (await page.getByTestId('area-link').first().textContent()) ?? '';
    await page.evaluate(() => (window.location.hash = '#/users'));
    await createUser(page, ENGINEER.username, ENGINEER.password, 'supervisor');
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').waitFor(SLOW);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('opens an area as a graphic in the automatic arrangement, every machine with its state and values in units', async () => {
    await login(page, app.url, 'chief', ADMIN_PASSWORD);
    await page.evaluate((a) => (window.location.hash = `#/area/${encodeURIComponent(a)}`), area);
    await page.getByTestId('area-node').first().waitFor(SLOW);
    expect(await page.getByTestId('area-graphic').getAttribute('data-layout')).toBe('automatic');
    const rows = await page.getByTestId('area-row').count();
    expect(await page.getByTestId('area-node').count()).toBe(rows);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="area-node-value"]').length > 0, null, SLOW);
    expect(await page.locator('[data-testid="area-node-value"] .area-value-unit').first().textContent()).not.toBe('');
    expect(await page.getByTestId('area-node-state').first().textContent()).toMatch(/^[A-Z]+$/);
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').waitFor(SLOW);
  });

  it('lets the engineer drag a machine and connect two; after a reload the machine is where it was placed', async () => {
    await login(page, app.url, ENGINEER.username, ENGINEER.password);
    await page.evaluate((a) => (window.location.hash = `#/area/${encodeURIComponent(a)}`), area);
    await page.getByTestId('area-node').first().waitFor(SLOW);
    const ids = await page.getByTestId('area-node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-machine-id') ?? ''));
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const [moved, fed] = [ids[0]!, ids[1]!];
    const node = `[data-testid="area-node"][data-machine-id="${moved}"]`;

    await page.getByTestId('area-arrange').click();
    const drawing = await box(page, '[data-testid="area-drawing"]');
    const before = await box(page, node);
    // Take it by its middle and put it near the bottom-right corner, in small steps as a hand would.
    const grab = { x: before.x + before.width / 2, y: before.y + before.height / 2 };
    const drop = { x: drawing.x + drawing.width - before.width / 2 - 60, y: drawing.y + drawing.height - before.height / 2 - 40 };
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    await page.mouse.move(drop.x, drop.y, { steps: 12 });
    await page.mouse.up();
    const placed = await box(page, node);
    expect(Math.abs(placed.x - (drop.x - before.width / 2))).toBeLessThanOrEqual(1);
    expect(Math.abs(placed.y - (drop.y - before.height / 2))).toBeLessThanOrEqual(1);

    await page.locator(`${node} [data-testid="area-connect"]`).click();
    await page.locator(`[data-testid="area-node"][data-machine-id="${fed}"] [data-testid="area-connect"]`).click();
    await page.getByTestId('area-save').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="area-graphic"]')?.getAttribute('data-layout') === 'saved' || document.querySelector('[data-testid="area-layout-error"]'),
      null,
      SLOW,
    );
    expect(await page.getByTestId('area-layout-error').count(), (await page.getByTestId('area-layout-error').allTextContents()).join()).toBe(0);
    expect(await page.getByTestId('area-layout-source').textContent()).toMatch(new RegExp(`^Arranged by ${ENGINEER.username} on \\d{4}-\\d{2}-\\d{2}$`));
    const saved = { x: await page.locator(node).getAttribute('data-x'), y: await page.locator(node).getAttribute('data-y') };

    await page.reload();
    await page.locator(node).waitFor(SLOW);
    await page.waitForFunction(() => document.querySelector('[data-testid="area-graphic"]')?.getAttribute('data-layout') === 'saved', null, SLOW);
    expect({ x: await page.locator(node).getAttribute('data-x'), y: await page.locator(node).getAttribute('data-y') }).toEqual(saved);
    const after = await box(page, node);
    expect(Math.abs(after.x - placed.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(after.y - placed.y)).toBeLessThanOrEqual(1);
    expect(await page.locator(`[data-testid="area-link-line"][data-from="${moved}"][data-to="${fed}"]`).count()).toBe(1);
  });

  it('saves the area graphic at 1920x1080 and 3840x2160; the engineer\'s layout keeps every box clear of the others on the 4K wall', async () => {
    await page.waitForTimeout(2_000);
    expect(await overlappingBoxes(page)).toEqual([]);
    await expectDrawingOnScreen(page, '1920x1080');
    await page.screenshot({ path: `${SCREENSHOTS}area-graphic-1920x1080.png` });
    const big = await browser.newPage({ viewport: { width: 3840, height: 2160 } });
    await login(big, app.url, ENGINEER.username, ENGINEER.password);
    await big.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="density-toggle"]')?.click());
    await big.evaluate((a) => (window.location.hash = `#/area/${encodeURIComponent(a)}`), area);
    await big.waitForFunction(() => document.querySelector('[data-testid="area-graphic"]')?.getAttribute('data-layout') === 'saved', null, SLOW);
    await big.waitForTimeout(2_500);
    // At wallboard scale the boxes' text is the wallboard's own size, not a share of the drawing left at desk size.
    const fonts = await big.evaluate(() => ({
      root: parseFloat(getComputedStyle(document.documentElement).fontSize),
      boxes: parseFloat(getComputedStyle(document.querySelector('[data-testid="area-drawing"]')!).fontSize),
      density: document.documentElement.dataset['density'],
    }));
    expect(fonts.density).toBe('wallboard');
    expect(fonts.boxes).toBeGreaterThanOrEqual(fonts.root - 0.5);
    // The layout was arranged at the desk, where boxes take a smaller share of the drawing: it is
    // scaled with the box, so no box lies over another and the connection is still drawn.
    expect(await overlappingBoxes(big)).toEqual([]);
    expect(await big.getByTestId('area-node').count()).toBe(await big.getByTestId('area-row').count());
    expect(await big.getByTestId('area-link-line').count()).toBe(1);
    expect(await big.getByTestId('area-layout-note').count()).toBe(0);
    // At wallboard type the header and KPIs are larger: the drawing is lower, and still on the first screen.
    await expectDrawingOnScreen(big, '3840x2160 wallboard');
    await big.screenshot({ path: `${SCREENSHOTS}area-graphic-3840x2160.png` });
    // The other two: 4K at desk type, HD at wallboard type.
    await setDensity(big, false);
    await big.waitForTimeout(1_000);
    expect(await overlappingBoxes(big)).toEqual([]);
    await expectDrawingOnScreen(big, '3840x2160 desk');
    await big.setViewportSize({ width: 1920, height: 1080 });
    await setDensity(big, true);
    await big.waitForTimeout(1_000);
    expect(await overlappingBoxes(big)).toEqual([]);
    await expectDrawingOnScreen(big, '1920x1080 wallboard');
    await big.screenshot({ path: `${SCREENSHOTS}area-graphic-1920x1080-wallboard.png` });
    await big.close();
  });
});

describe('area graphic of the largest area with 500 machines, in Chromium', () => {
  let app: ServedApp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await serveApp({ simulator: { machines: 500 } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('arranges every machine automatically with no box over another, at 1920x1080 and 3840x2160', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await setupFirstAdmin(page, app.url);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="area"]').length > 0, null, SLOW);
    // The area with the most machines.
    const largest = await page.$$eval('[data-testid="area"]', (cells) =>
      cells.map((c) => [c.getAttribute('data-area') ?? '', Number(c.querySelector('.area-count')?.textContent)] as const).sort((a, b) => b[1] - a[1])[0]!,
    );
    expect(largest[1]).toBeGreaterThan(100);
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 3840, height: 2160 },
    ]) {
      await page.setViewportSize(size);
      await page.evaluate((a) => (window.location.hash = `#/area/${encodeURIComponent(a)}`), largest[0]);
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="area-node"]').length === n, largest[1], SLOW);
      await page.waitForTimeout(1_500);
      const overlaps = (await overlappingBoxes(page)).length;
      expect(overlaps, `boxes over one another at ${size.width}x${size.height}`).toBe(0);
      await page.screenshot({ path: `${SCREENSHOTS}area-graphic-500-${size.width}x${size.height}.png` });
    }
    await page.close();
  });
});

describe('area graphic of one area with 500 machines, in Chromium', () => {
  const AREA = 'Hall';
  const COUNT = 500;
  const LONG_NAME = 'Press line 3, station 1, transfer press';
  let app: ServedApp;
  let browser: Browser;
  let client: mqtt.MqttClient;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await serveApp({ simulator: { enabled: false } });
    browser = await launchChromium();
    const health = (await (await fetch(new URL('/api/health', app.url))).json()) as { broker: { url: string } };
    client = await mqtt.connectAsync(health.broker.url, { reconnectPeriod: 0 });
    // One machine with a name longer than its box: the box shows it in full on focus.
    await client.publishAsync(`factory/acme/${AREA}/P-001/meta`, JSON.stringify({ type: 'press', name: LONG_NAME, units: { force: 'kN' } }), { qos: 1, retain: true });
    const ts = Date.now();
    for (let i = 1; i <= COUNT; i++)
      await client.publishAsync(`factory/acme/${AREA}/P-${String(i).padStart(3, '0')}/telemetry`, JSON.stringify({ ts, metrics: { force: 100 + i, speed: 12 } }), { qos: 1 });
  }, 120_000);
  afterAll(async () => {
    await client?.endAsync();
    await browser?.close();
    await app?.stop();
  });

  it('draws all 500 in the drawing, no box over another and nothing below it, at 1920x1080 and 3840x2160 (desk and wallboard type)', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await setupFirstAdmin(page, app.url);
    for (const size of [
      { width: 1920, height: 1080, wallboard: false },
      { width: 3840, height: 2160, wallboard: false },
      { width: 1920, height: 1080, wallboard: true },
      { width: 3840, height: 2160, wallboard: true },
    ]) {
      const at = `${size.width}x${size.height}${size.wallboard ? '-wallboard' : ''}`;
      await page.setViewportSize(size);
      await setDensity(page, size.wallboard);
      await page.evaluate((a) => (window.location.hash = `#/area/${encodeURIComponent(a)}`), AREA);
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="area-node"]').length === n, COUNT, SLOW);
      // The pointer off the drawing: a hovered box widens over its neighbours to its whole name and state, as it should.
      await page.mouse.move(1, 1);
      await page.waitForTimeout(1_500);
      expect(await page.getByTestId('area-graphic').getAttribute('data-layout')).toBe('automatic');
      expect(await overlappingBoxes(page), `boxes over one another at ${at}`).toEqual([]);
      const fit = await page.evaluate(() => {
        window.scrollTo(0, 0);
        const drawing = document.querySelector<HTMLElement>('[data-testid="area-drawing"]')!;
        const d = drawing.getBoundingClientRect();
        const outside = [...document.querySelectorAll('[data-testid="area-node"]')]
          .filter((n) => {
            const r = n.getBoundingClientRect();
            return r.left < d.left - 0.5 || r.top < d.top - 0.5 || r.right > d.right + 0.5 || r.bottom > d.bottom + 0.5;
          })
          .map((n) => n.getAttribute('data-machine-id'));
        const first = document.querySelector<HTMLElement>('[data-testid="area-node"]')!;
        return {
          outside,
          overflow: drawing.scrollHeight - drawing.clientHeight,
          drawingBottom: d.bottom,
          viewport: window.innerHeight,
          mini: first.classList.contains('area-node-mini'),
          box: { width: first.offsetWidth, height: first.offsetHeight, font: parseFloat(getComputedStyle(drawing).fontSize) },
        };
      });
      expect(fit.outside, `boxes outside the drawing at ${at}`).toEqual([]);
      expect(fit.overflow, `drawing content below its edge at ${at}`).toBeLessThanOrEqual(0);
      // The whole graphic is on the screen as it opens, at desk and at wallboard type: no scrolling to see the last row.
      expect(fit.drawingBottom, `drawing bottom at ${at} (${JSON.stringify(fit.box)})`).toBeLessThanOrEqual(fit.viewport);
      expect(await cutKpiText(page), `KPI text cut off at ${at}`).toEqual([]);
      expect(fit.mini).toBe(true);
      // Readable: about 12 px at 1920, twice that on the 4K wall; at HD wallboard type the larger
      // header and KPIs leave the drawing less height, about 10 px.
      expect(fit.box.font).toBeGreaterThanOrEqual(size.wallboard ? (size.width >= 3840 ? 20 : 10) : 11);
      await page.screenshot({ path: `${SCREENSHOTS}area-graphic-500-one-area-${at}.png` });
    }

    // The full name on focus: the first box (P-001, the long name) widens over its neighbours to show it all.
    const first = page.locator('[data-testid="area-node"][data-machine-id="acme/Hall/P-001"]');
    const name = first.locator('.area-node-name');
    expect(await name.textContent()).toBe(LONG_NAME);
    expect(await first.getAttribute('title')).toContain(LONG_NAME);
    const cut = await name.evaluate((n) => n.scrollWidth > n.clientWidth + 1);
    expect(cut).toBe(true);
    await first.locator('a').focus();
    expect(await name.evaluate((n) => n.scrollWidth <= n.clientWidth + 1 && n.getBoundingClientRect().width > 0)).toBe(true);
    // Focus scrolls the page: the drawing's corner in page coordinates.
    const corner = await page.evaluate(() => {
      const r = document.querySelector('[data-testid="area-drawing"]')!.getBoundingClientRect();
      return { x: r.left + window.scrollX, y: r.top + window.scrollY };
    });
    await page.screenshot({ path: `${SCREENSHOTS}area-graphic-500-one-area-focus-3840x2160-wallboard.png`, fullPage: true, clip: { ...corner, width: 1200, height: 400 } });
    await page.close();
  });
});
