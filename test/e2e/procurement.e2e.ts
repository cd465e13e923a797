/**
 * The procurement screen, run by hand: a stock count and a reorder point, a quote typed in (and a
 * negative one refused with the reason), a manual order with a negotiated price taken to delivery,
 * then the supplier's delivery record and the month's savings.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createUser, fillLogin, SCREENSHOTS, setupFirstAdmin, SLOW, withConsole } from './support';

/** Creates the account on the users screen, then logs out and in as it. */
async function switchUser(page: Page, username: string, role: 'supervisor' | 'operator') {
  const password = `${username} password 1`;
  await page.evaluate(() => (window.location.hash = '#/users'));
  await createUser(page, username, password, role);
  await page.getByTestId('logout').click();
  await fillLogin(page, username, password);
}

describe('procurement screen', () => {
  const opened = withConsole({ simulator: { machines: 4 } });

  it('edits stock, takes a quote, orders by hand to delivery, and shows supplier record and savings', async () => {
    const { app, page } = opened;
    await setupFirstAdmin(page, app.url);
    await page.evaluate(() => (window.location.hash = '#/procurement'));
    const bearing = page.locator('[data-testid="part-row"][data-id="bearing-6205"]');
    await bearing.waitFor(SLOW);
    await bearing.getByTestId('part-on-hand').fill('9');
    await bearing.getByTestId('part-reorder-point').fill('4');
    await bearing.getByTestId('part-save').click();
    await expect.poll(() => bearing.getByTestId('part-save').isDisabled(), SLOW).toBe(true);
    expect(await bearing.getByTestId('part-on-hand').inputValue()).toBe('9');

    await page.getByTestId('quote-part').selectOption('bearing-6205');
    await page.getByTestId('quote-price').fill('-3');
    await page.getByTestId('quote-add').click();
    await expect.poll(() => page.locator('.unknown-note').first().textContent(), SLOW).toContain('cannot be negative');
    await page.getByTestId('quote-price').fill('21.5');
    await page.getByTestId('quote-add').click();
    await expect.poll(() => page.locator('table').filter({ hasText: 'Quoted' }).locator('tbody tr').count(), SLOW).toBe(1);

    await page.getByTestId('order-part').selectOption('mech-seal-35');
    await page.getByTestId('order-supplier').selectOption('example-fluid');
    await page.getByTestId('order-quantity').fill('2');
    await page.getByTestId('order-price').fill('215');
    await page.getByTestId('order-negotiated').fill('199');
    await page.getByTestId('order-create').click();
    const row = page.getByTestId('order-table').locator('tbody tr').filter({ hasText: 'draft' }).first();
    await row.waitFor(SLOW);
    expect(await row.textContent()).toContain('32.00');
    const orderRow = () => page.getByTestId('order-table').locator('tbody tr').filter({ hasText: 'Mechanical' }).first();
    await orderRow().getByRole('button', { name: 'Submit' }).click();
    // chief created the order, so another supervisor approves it (four eyes)
    await expect.poll(() => orderRow().textContent(), SLOW).toContain('another supervisor approves');
    expect(await orderRow().getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await switchUser(page, 'sam', 'supervisor');
    await page.evaluate(() => (window.location.hash = '#/procurement'));
    for (const label of ['Approve', 'Mark ordered', 'Mark delivered']) {
      await orderRow().getByRole('button', { name: label }).click();
      await page.waitForTimeout(300);
    }
    const fluid = page.locator('[data-testid="supplier-row"][data-id="example-fluid"]');
    await expect.poll(() => fluid.getByTestId('supplier-on-time').textContent(), SLOW).toBe('100 %');
    await expect.poll(() => page.getByTestId('savings-table').locator('tbody tr').count(), SLOW).toBe(1);
    expect(await page.getByTestId('savings-table').locator('tbody tr').textContent()).toContain('32.00');
    await page.screenshot({ path: `${SCREENSHOTS}procurement-1920x1080.png`, fullPage: true });
  });
});
