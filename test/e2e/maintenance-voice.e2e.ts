/**
 * A ticket's repair steps read aloud one step at a time (start, next, repeat, stop), each phrase
 * with its units in words and in the voice log; then the ticket closed with the parts it used.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCREENSHOTS, setupFirstAdmin, SLOW, withConsole } from './support';

const STEPS = ['Isolate and lock out the machine (LOTO); verify zero energy.', 'Check that the bearing stays below 95 °C at 1480 rpm.', 'Run up and watch the temperature settle.'];

describe('maintenance: repair steps by voice, parts used on close', () => {
  const opened = withConsole({ simulator: { machines: 4 } });

  it('reads the steps aloud one at a time and closes the ticket with a part used', async () => {
    const { app, page } = opened;
    await setupFirstAdmin(page, app.url);
    await page.evaluate(() => (window.location.hash = '#/maintenance'));
    await page.getByTestId('ticket-title').fill('Bearing overheating on P-01');
    await page.getByTestId('ticket-title').press('Enter');
    const row = page.getByTestId('ticket-table').locator('tbody tr').filter({ hasText: 'Bearing overheating on P-01' });
    await row.waitFor(SLOW);
    // The steps a maintenance agent's ticket carries, written as the agent would.
    const db = new Database(join(app.dataDir, 'factorybrain.db'));
    try {
      db.prepare("UPDATE maintenance_tickets SET repair_steps = ?, priority = 'critical' WHERE title = 'Bearing overheating on P-01'").run(JSON.stringify(STEPS));
    } finally {
      db.close();
    }
    await page.reload();
    await row.waitFor(SLOW);
    await row.getByRole('button', { name: 'Details' }).click();
    const said = page.getByTestId('repair-voice-said');
    await page.getByTestId('repair-voice-start').click();
    await expect.poll(() => said.textContent(), SLOW).toBe('Step 1 of 3: “Repair steps for ticket 1, Bearing overheating on P-01. 3 steps. Step 1 of 3: Isolate and lock out the machine; verify zero energy.”');
    await page.getByTestId('repair-voice-next').click();
    await expect.poll(() => said.textContent(), SLOW).toBe('Step 2 of 3: “Step 2 of 3: Check that the bearing stays below 95 degrees Celsius at 1480 R P M.”');
    await page.getByTestId('repair-voice-repeat').click();
    await page.getByTestId('ticket-part').selectOption('bearing-6205');
    await page.getByTestId('ticket-part-add').click();
    await expect.poll(() => page.getByTestId('ticket-parts-used').textContent(), SLOW).toContain('1 × Deep-groove ball bearing 6205-2RS');
    await page.getByTestId('ticket-cost').fill('180');
    await page.screenshot({ path: `${SCREENSHOTS}maintenance-voice-steps-1920x1080.png`, fullPage: true });
    await page.getByTestId('repair-voice-stop').click();
    await expect.poll(() => said.textContent(), SLOW).toBe('Finished: “Repair steps of ticket 1 stopped at step 2 of 3.”');
    await page.getByTestId('ticket-close').click();
    await expect.poll(() => row.locator('td').nth(4).textContent(), SLOW).toBe('closed');

    // Every phrase is in the voice log.
    await page.evaluate(() => (window.location.hash = '#/voice'));
    await expect.poll(async () => (await page.locator('td').allTextContents()).filter((t) => t.includes('ticket 1') || t.startsWith('Step 2 of 3')).length, SLOW).toBeGreaterThanOrEqual(4);
  });
});
