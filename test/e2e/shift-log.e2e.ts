/**
 * The shift log screen: yesterday's night shift left an entry (written into the app's database, as a
 * shift that ended would have), the current shift acknowledges it, writes its own entry for the next
 * shift about a machine, and finds it by searching.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { previousShift } from '../../common/plant-time';
import { SCREENSHOTS, setupFirstAdmin, SLOW, withConsole } from './support';

const PLANT = { timeZone: 'Europe/Berlin', shiftStartHours: [6, 14, 22] };

describe('shift log screen', () => {
  const opened = withConsole({ plant: PLANT, simulator: { machines: 6 } });

  it('acknowledges the previous shift’s entry, writes one for the next shift, and finds it', async () => {
    const { app, page } = opened;
    await setupFirstAdmin(page, app.url);
    const prev = previousShift(PLANT.timeZone, Date.now(), PLANT.shiftStartHours);
    const db = new Database(join(app.dataDir, 'factorybrain.db'));
    try {
      db.prepare(
        `INSERT INTO shift_log (at, author, text, machine_id, alarm_id, shift_start, shift_end, shift_date, shift_index, shift_start_hour)
         VALUES (?, 'Zoë Çelik', 'Kompressor C-2: Ölstand niedrig, nachgefüllt. Bitte beobachten.', NULL, NULL, ?, ?, ?, ?, ?)`,
      ).run(prev.start + 3_600_000, prev.start, prev.end, prev.date, prev.index, prev.startHour);
    } finally {
      db.close();
    }

    await page.evaluate(() => (window.location.hash = '#/shiftlog'));
    await page.getByTestId('shiftlog').waitFor();
    await expect.poll(() => page.getByTestId('shiftlog-current').textContent(), SLOW).toContain('plant time Europe/Berlin');
    const seeded = page.getByTestId('shiftlog-row').filter({ hasText: 'Kompressor C-2' });
    await seeded.waitFor(SLOW);
    expect(await seeded.getByTestId('shiftlog-ack').textContent()).toBe('open');
    await seeded.getByTestId('shiftlog-select').check();
    await page.getByTestId('shiftlog-ack-note').fill('gesehen, beobachten wir');
    await page.getByTestId('shiftlog-ack-submit').click();
    await expect.poll(() => seeded.getByTestId('shiftlog-ack').textContent(), SLOW).toMatch(/^chief, .*: gesehen, beobachten wir$/);

    // A machine from the simulator, once the host has seen it.
    await expect.poll(() => page.getByTestId('shiftlog-machine').locator('option').count(), SLOW).toBeGreaterThan(1);
    const machineValue = await page.getByTestId('shiftlog-machine').locator('option').nth(1).getAttribute('value');
    await page.getByTestId('shiftlog-text').fill('Pump bearing noisy since 15:00; maintenance ticket opened, spare ordered.');
    await page.getByTestId('shiftlog-machine').selectOption(machineValue!);
    await page.getByTestId('shiftlog-submit').click();
    const mine = page.getByTestId('shiftlog-row').filter({ hasText: 'Pump bearing noisy' });
    await mine.waitFor(SLOW);
    expect(await mine.getByTestId('shiftlog-ack').textContent()).toBe('for the next shift');
    expect(await mine.getByTestId('shiftlog-select').count()).toBe(0);

    // A link to an alarm that does not exist is refused with the reason, and nothing is written.
    await page.getByTestId('shiftlog-text').fill('about a ghost alarm');
    await page.getByTestId('shiftlog-alarm').fill('limit:nowhere:x:H');
    await page.getByTestId('shiftlog-submit').click();
    await expect.poll(() => page.getByTestId('shiftlog-error').textContent(), SLOW).toContain('no alarm "limit:nowhere:x:H" is known');
    await page.getByTestId('shiftlog-alarm').fill('');
    await page.getByTestId('shiftlog-text').fill('');

    await page.getByTestId('shiftlog-search').fill('bearing');
    await expect.poll(() => page.getByTestId('shiftlog-row').count(), SLOW).toBe(1);
    await page.getByTestId('shiftlog-search').fill('');
    await expect.poll(() => page.getByTestId('shiftlog-row').count(), SLOW).toBe(2);
    await page.screenshot({ path: `${SCREENSHOTS}shift-log-1920x1080.png`, fullPage: true });
  });
});
