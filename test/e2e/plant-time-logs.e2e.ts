/**
 * Settings on a plant in Berlin, seen from a browser whose own clock is in Los Angeles: times show on
 * the plant's clock ("Plant time"), and Settings says where the log files are and that they are written.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENSHOTS, setupFirstAdmin, withConsole } from './support';

const berlinTime = (ts: number) => new Date(ts).toLocaleString('en-GB', { hour12: false, timeZone: 'Europe/Berlin' }).slice(0, 17);

describe('plant time and log files in Settings', () => {
  const opened = withConsole({ plant: { timeZone: 'Europe/Berlin' }, simulator: { machines: 4 }, logs: { retentionDays: 30 } }, { timezoneId: 'America/Los_Angeles' });

  it('shows the log folder and the plant zone in Settings', async () => {
    const { app, page } = opened;
    await setupFirstAdmin(page, app.url);
    await page.evaluate(() => (window.location.hash = '#/settings'));
    await page.getByTestId('settings-logs').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="logs-state"]')?.textContent === 'writing', null, { timeout: 15_000 });
    expect(await page.getByTestId('logs-dir').textContent()).toBe(join(app.dataDir, 'logs'));
    expect(await page.locator('[data-testid="pref-timezone"] option[value="local"]').textContent()).toBe('Plant time (Europe/Berlin)');
    await page.getByTestId('settings-logs').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}settings-logs-plant-time-1920x1080.png`, fullPage: true });
  });

  it('shows times on the plant clock, not the browser one, and in UTC when asked', async () => {
    const { page } = opened;
    const before = Date.now();
    await page.evaluate(() => (window.location.hash = '#/users'));
    const row = page.locator('[data-testid="user-row"][data-username="chief"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    const after = Date.now();
    // The account was created a moment ago: its time is now on the plant's clock, to the minute.
    const shown = cells.find((c) => /^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}:\d{2}$/.test(c));
    expect([berlinTime(before - 60_000), berlinTime(before), berlinTime(after)]).toContain(shown!.slice(0, 17));

    await page.evaluate(() => (window.location.hash = '#/settings'));
    await page.getByTestId('pref-timezone').selectOption('utc');
    await page.evaluate(() => (window.location.hash = '#/users'));
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).some((c) => / UTC$/.test(c))).toBe(true);
  });
});
