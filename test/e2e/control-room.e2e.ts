import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, SCREENSHOTS, setupFirstAdmin, withConsole } from './support';

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;

/** Screenshots of one screen at desk HD and wallboard 4K, after it has had live data. */
async function shoot(pages: Page[], name: string, hash: string, ready: string) {
  for (const [i, page] of pages.entries()) {
    const size = SIZES[i]!;
    await page.evaluate((h) => (window.location.hash = h), hash);
    await page.locator(ready).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(2_500);
    await page.screenshot({ path: `${SCREENSHOTS}${name}-${size.width}x${size.height}.png` });
  }
}

describe('control room screens on the headless host, in Chromium', () => {
  let machineId = '';

  const opened = withConsole();
  beforeAll(async () => {
    const { app, page } = opened;
    await setupFirstAdmin(page, app.url);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="machine-tile"]').length >= 24, null, { timeout: 30_000 });
  });

  it('level 1 shows KPIs from live data, "unknown" where there is none, and the alarm banner', async () => {
    const { page } = opened;
    await page.waitForFunction(() => /kW/.test(document.querySelector('[data-testid="kpi-power"] .kpi-value')?.textContent ?? ''), null, { timeout: 30_000 });
    expect(await page.getByTestId('kpi-oee').locator('.kpi-value').textContent()).toBe('unknown');
    expect(await page.getByTestId('kpi-downtime').locator('.kpi-value').textContent()).toBe('unknown');
    expect(await page.getByTestId('kpi-machines').locator('.kpi-value').textContent()).toMatch(/^\d+\/\d+ online$/);
    await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid="kpi-quality"] .kpi-value')?.textContent ?? ''), null, { timeout: 30_000 });
    await page.getByTestId('alarm-banner').waitFor();
  });

  it('navigates overview → area → machine by click and back up with Escape', async () => {
    const { page } = opened;
    const area = await page.getByTestId('area-link').first().textContent();
    await page.getByTestId('area-link').first().click();
    await page.getByTestId('area-view').waitFor();
    expect(await page.getByTestId('area-view').getAttribute('data-area')).toBe(area);
    expect(await page.getByTestId('area-row').count()).toBeGreaterThan(0);
    await page.getByTestId('area-row').first().locator('a').click();
    await page.getByTestId('machine-detail').waitFor();
    machineId = (await page.getByTestId('machine-detail').getAttribute('data-machine-id')) ?? '';
    expect(await page.getByTestId('crumb-area').textContent()).toBe(area);
    await page.keyboard.press('Escape');
    await page.getByTestId('area-view').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('kpis').waitFor();
    expect(new URL(page.url()).hash).toBe('#/');
  });

  it('opens a machine from the keyboard alone', async () => {
    const { page } = opened;
    const link = page.getByTestId('machine-tile').first().locator('.tile-link');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('machine-detail').waitFor();
  });

  it('level 3 draws a trend per sensor from history and keeps it moving with live data', async () => {
    const { page } = opened;
    await page.evaluate((id) => (window.location.hash = `#/machine/${encodeURIComponent(id)}`), machineId);
    await page.getByTestId('machine-detail').waitFor();
    const trends = page.getByTestId('trend');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="trend"] canvas').length >= 4, null, { timeout: 30_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="trend-resolution"]')].every((e) => e.textContent !== 'loading…'), null, { timeout: 30_000 });
    const plot = trends.first().locator('.trend-plot');
    const before = Number(await plot.getAttribute('data-last-ts'));
    await page.waitForFunction(
      ([t]) => Number(document.querySelector('[data-testid="trend"] .trend-plot')?.getAttribute('data-last-ts')) > (t as number),
      [before],
      { timeout: 20_000 },
    );
    // A fresh plant is still commissioning its anomaly detector; the simulator's machines carry neither model's inputs.
    await page.waitForFunction(() => /calibrating: \d+ of \d+ readings/.test(document.querySelector('[data-testid="condition-anomaly"]')?.textContent ?? ''), null, { timeout: 10_000 });
    expect(await page.getByTestId('condition-failure').textContent()).toMatch(/no output/);
    expect(await page.getByTestId('condition-calibration').textContent()).toBe('commissioning window open');
    // An administrator may start a new commissioning window; the host accepts it and the count starts again.
    await page.getByTestId('recalibrate').click();
    await page.waitForFunction(() => /calibrating: [0-9] of \d+ readings/.test(document.querySelector('[data-testid="condition-anomaly"]')?.textContent ?? ''), null, { timeout: 15_000 });
    expect(await page.getByTestId('condition').textContent()).not.toMatch(/refused/);
    await page.waitForFunction(() => !/Loading tickets/.test(document.querySelector('[data-testid="maintenance"]')?.textContent ?? 'Loading tickets'), null, { timeout: 10_000 });
    expect((await page.getByTestId('maintenance').textContent())!.includes('No maintenance ticket for this machine.') || (await page.getByTestId('machine-tickets').count()) === 1).toBe(true);
  });

  it('zooms a trend by dragging, stops following, and goes back to live', async () => {
    const { page } = opened;
    const trend = page.getByTestId('trend').first();
    const over = trend.locator('.u-over');
    // The machine screen is taller than the window: the mouse only reaches what is scrolled into view.
    await over.scrollIntoViewIfNeeded();
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector('[data-testid="trend"]')?.getAttribute('data-zoomed') === 'true', null, { timeout: 10_000 });
    await trend.getByTestId('trend-live').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="trend"]')?.getAttribute('data-zoomed') === 'false', null, { timeout: 10_000 });
    // Keyboard: focus the plot, zoom in with +, back to live with Home.
    await trend.locator('.trend-plot').focus();
    await page.keyboard.press('+');
    await page.waitForFunction(() => document.querySelector('[data-testid="trend"]')?.getAttribute('data-zoomed') === 'true', null, { timeout: 10_000 });
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('[data-testid="trend"]')?.getAttribute('data-zoomed') === 'false', null, { timeout: 10_000 });
  });

  it('settings show the broker read-only, versions, and switch the scale', async () => {
    const { page } = opened;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="settings-broker-state"]')?.textContent === 'connected', null, { timeout: 15_000 });
    expect(await page.locator('[data-testid="version"][data-name="node"]').count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.dataset['density'])).toBe('desk');
    await page.getByTestId('density-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset['density'])).toBe('wallboard');
    await page.getByTestId('density-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset['density'])).toBe('desk');
  });

  it('a wallboard at /wallboard/<name> rotates its playlist and pauses on request', async () => {
    const { app, browser } = opened;
    const board = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await login(board, app.url);
    await board.goto(new URL('/wallboard/plant?rotate=5', app.url).href);
    await board.getByTestId('wallboard').waitFor({ timeout: 30_000 });
    await board.getByTestId('alarm-banner').waitFor();
    expect(await board.evaluate(() => document.documentElement.dataset['density'])).toBe('wallboard');
    const first = await board.getByTestId('wallboard').getAttribute('data-page');
    await board.waitForFunction((p) => document.querySelector('[data-testid="wallboard"]')?.getAttribute('data-page') !== p, first, { timeout: 30_000 });
    await board.getByTestId('rotation-toggle').click();
    expect(await board.getByTestId('wallboard').getAttribute('data-paused')).toBe('operator');
    const paused = await board.getByTestId('wallboard').getAttribute('data-page');
    await board.waitForTimeout(6_500);
    expect(await board.getByTestId('wallboard').getAttribute('data-page')).toBe(paused);
    await board.close();
  });

  it('saves every level at 1920x1080 and 3840x2160', async () => {
    const { app, page, browser } = opened;
    const big = await browser.newPage({ viewport: { width: 3840, height: 2160 } });
    await login(big, app.url);
    await big.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="density-toggle"]')?.click());
    const area = (await page.getByTestId('area-link').first().textContent().catch(() => null)) ?? (await big.getByTestId('area-link').first().textContent());
    const pages = [page, big];
    await page.evaluate(() => (window.location.hash = '#/'));
    await shoot(pages, 'plant-overview', '#/', '[data-testid="machine-tile"]');
    await shoot(pages, 'area', `#/area/${encodeURIComponent(area ?? '')}`, '[data-testid="area-row"]');
    await shoot(pages, 'machine-detail', `#/machine/${encodeURIComponent(machineId)}`, '[data-testid="trend"] canvas');
    await shoot(pages, 'settings', '#/settings', '[data-testid="version"]');
    for (const [i, p] of pages.entries()) {
      await p.goto(new URL('/wallboard/overview', app.url).href);
      await p.getByTestId('machine-tile').first().waitFor({ timeout: 30_000 });
      await p.waitForTimeout(2_500);
      await p.screenshot({ path: `${SCREENSHOTS}wallboard-${SIZES[i]!.width}x${SIZES[i]!.height}.png` });
    }
    await big.close();
    await page.goto(app.url);
    await page.getByTestId('logout').waitFor();
  });

  it('shows values as stale, never as current, once the host stops', async () => {
    const { app, page } = opened;
    await page.evaluate((id) => (window.location.hash = `#/machine/${encodeURIComponent(id)}`), machineId);
    await page.getByTestId('trend').first().waitFor();
    await page.evaluate(() => (window.location.hash = '#/'));
    await page.getByTestId('machine-tile').first().waitFor();
    await app.stop();
    await page.getByTestId('host-problem').waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="sensor-value"]')].every((e) => e.getAttribute('data-quality') !== 'good'),
      null,
      { timeout: 30_000 },
    );
    expect(await page.getByTestId('broker-state').textContent()).toBe('unknown');
    await page.getByTestId('kpi-host-lost').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('alarm-banner').getAttribute('data-state')).toBe('unknown');
    await page.screenshot({ path: `${SCREENSHOTS}stale-1920x1080.png` });
  });
});
