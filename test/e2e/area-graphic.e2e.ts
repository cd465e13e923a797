/**
 * A Level 2 area graphic in Chromium: the automatic arrangement first, then an engineer (a
 * supervisor) drags a machine, connects two and saves; after a reload the machine is where it was
 * placed and the connection is drawn; on a 4K wall at wallboard type the same layout, scaled with its
 * larger boxes, has no box over another. Screenshots at desk HD and wallboard 4K.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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
    // The whole page, so the drawing below the KPI rows is in the picture.
    await big.screenshot({ path: `${SCREENSHOTS}area-graphic-3840x2160.png`, fullPage: true });
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
