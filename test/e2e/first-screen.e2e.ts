import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withConsole } from './support';

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

describe('first screen on the headless host, in Chromium', () => {
  const opened = withConsole();

  it('offers first-run setup (no default account) and creates the administrator with the token serve printed', async () => {
    const { app, page } = opened;
    expect(app.setupToken).toBeTruthy();
    await page.goto(app.url);
    await page.getByTestId('setup-token').fill(app.setupToken!);
    await page.getByTestId('setup-username').fill('chief');
    await page.getByTestId('setup-password').fill('correct horse battery');
    await page.getByTestId('setup-confirm').fill('correct horse battery');
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('logout').waitFor();
  });

  it('shows every simulated machine with live values that change', async () => {
    const { page } = opened;
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="machine-tile"]').length >= 24, null, { timeout: 30_000 });
    const first = page.getByTestId('machine-tile').first().getByTestId('sensor-value').first();
    await first.waitFor();
    const before = await first.textContent();
    await page.waitForFunction(
      ([text]) => document.querySelector('[data-testid="machine-tile"] [data-testid="sensor-value"]')?.textContent !== text,
      [before],
      { timeout: 15_000 },
    );
    expect(await page.getByTestId('broker-state').textContent()).toMatch(/connected/i);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}plant-1920x1080.png` });
  });

  it('logs out, refuses a wrong password and logs back in', async () => {
    const { page } = opened;
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').fill('chief');
    await page.getByTestId('login-password').fill('wrong password!');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toMatch(/wrong username or password/i);
    await page.getByTestId('login-password').fill('correct horse battery');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('logout').waitFor();
  });

  it('serves health as JSON and refuses the contract to a socket that has not logged in', async () => {
    const { app, page } = opened;
    const health = await (await fetch(new URL('/api/health', app.url))).json();
    expect(health).toMatchObject({ broker: { embedded: true, state: 'connected' }, simulator: { running: true } });
    expect(health.machinesKnown).toBeGreaterThanOrEqual(24);
    const result = await page.evaluate(async (url) => {
      const ws = new WebSocket(url.replace('http', 'ws') + 'ws');
      await new Promise((r) => (ws.onopen = r));
      ws.send(JSON.stringify({ id: 1, call: 'machines.list', request: {} }));
      return new Promise((r) => (ws.onmessage = (e) => r(JSON.parse(e.data))));
    }, app.url);
    expect(result).toMatchObject({ id: 1, result: { ok: false, error: { code: 'unauthenticated' } } });
  });
});
