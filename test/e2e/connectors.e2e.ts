/**
 * The connectors screen against a real OPC UA server (node-opcua, in this test's process): an
 * engineer adds the endpoint, sees it connect, browses the address space, maps one variable with
 * the unit and range the server gives, and sees its value arrive on the machine's tile, then shown
 * BAD (not as a normal number) while the server marks it Bad.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setWarningLogger } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startOpcuaTestServer, type TestServer } from '../../main/ingest-opcua/opcua-test-server';
import { launchChromium, SCREENSHOTS, serveApp, setupFirstAdmin, SLOW, type ServedApp } from './support';

setWarningLogger(() => undefined);

describe('connectors screen with a live OPC UA server', () => {
  let app: ServedApp;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let pki: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    pki = mkdtempSync(join(tmpdir(), 'fb-e2e-opcua-'));
    server = await startOpcuaTestServer({ pkiDir: pki, tickMs: 500 });
    app = await serveApp({ simulator: { enabled: false } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await server?.stop();
    rmSync(pki, { recursive: true, force: true });
  });

  it('adds an endpoint, browses, maps a variable and sees its value on the machine', async () => {
    await setupFirstAdmin(page, app.url);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('nav-connectors').click();
    await page.getByTestId('opcua-add').waitFor(SLOW);

    // a bad URL is refused by the schema, naming the key, before anything is sent
    await page.getByTestId('opcua-name').fill('press-line');
    await page.getByTestId('opcua-url').fill('http://127.0.0.1');
    await page.getByTestId('opcua-mode').selectOption('None');
    await page.getByTestId('opcua-add-submit').click();
    expect(await page.getByTestId('opcua-issues').textContent()).toBe('servers.0.endpointUrl: must be an opc.tcp://host:port URL');

    await page.getByTestId('opcua-url').fill(server.endpointUrl);
    await page.getByTestId('opcua-add-submit').click();
    await page.locator('[data-testid="opcua-endpoint"][data-name="press-line"]').waitFor(SLOW);
    await page.locator('[data-testid="field-source"][data-name="press-line"][data-state="ok"]').waitFor({ timeout: 60_000 });
    // the console's own certificate, created on first use, is there for the server's administrator
    await expect.poll(() => page.getByTestId('own-thumbprint').textContent(), SLOW).toMatch(/^[0-9a-f]{40}$/);
    expect(await page.getByTestId('own-pem').inputValue()).toContain('-----BEGIN CERTIFICATE-----');

    await page.getByTestId('browse-open').click();
    const press = page.locator('[data-testid="tree-node"]', { hasText: 'Press1' }).first();
    await press.waitFor(SLOW);
    await press.getByTestId('tree-toggle').first().click();
    const temperature = page.locator('[data-testid="tree-node"][data-node="ns=1;s=Press1.Temperature"]');
    await temperature.waitFor(SLOW);
    await temperature.getByTestId('tree-pick').click();
    await expect.poll(() => page.getByTestId('map-unit').inputValue(), SLOW).toBe('°C');
    expect(await page.getByTestId('map-high').inputValue()).toBe('150');
    await page.getByTestId('map-machine').fill('press-1');
    await page.getByTestId('map-sampling').fill('250');
    await page.getByTestId('map-submit').click();
    await page.locator('[data-testid="opcua-mapped-item"][data-node="ns=1;s=Press1.Temperature"]').waitFor(SLOW);
    await page.locator('[data-testid="field-source"][data-name="press-line"][data-state="ok"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('address-space').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}connectors-1920x1080.png` });

    await page.evaluate(() => (window.location.hash = '#/'));
    const sensor = page.locator('[data-testid="machine-tile"][data-machine-id="press-1"] [data-testid="sensor-value"][data-sensor="temperature"]');
    await sensor.waitFor({ timeout: 60_000 });
    await expect.poll(async () => Number((await sensor.locator('.sensor-value').textContent())?.replace(/[^0-9.-]/g, '')), SLOW).toBeGreaterThanOrEqual(60);
    // Quality is polled too: on a loaded machine the tile may briefly show the value stale between two
    // server changes; it must come back good, never bad.
    await expect.poll(() => sensor.getAttribute('data-quality'), SLOW).toBe('good');
    expect(await sensor.locator('.sensor-unit').textContent()).toBe('°C');

    // the server marks the value Bad: the tile says so instead of showing a number that looks normal
    server.bad = true;
    await expect.poll(() => sensor.getAttribute('data-quality'), { timeout: 30_000 }).toBe('bad');
    expect(await sensor.locator('.sensor-quality').textContent()).toBe('BAD');
    await page.screenshot({ path: `${SCREENSHOTS}connectors-bad-value-1920x1080.png` });
    server.bad = false;
    await expect.poll(() => sensor.getAttribute('data-quality'), { timeout: 30_000 }).toBe('good');
  });
});
