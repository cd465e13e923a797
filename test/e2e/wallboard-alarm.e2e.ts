import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectDevice, type Device, SCREENSHOTS, setupFirstAdmin, SLOW, withConsole } from './support';

const MACHINE = 'acme/Bakery/oven-7';
/** The shortest rotation a board accepts (MIN_ROTATE_S in renderer/src/wallboard/wallboards.ts). */
const ROTATE_S = 5;

const boardAttr = (page: Page, name: string) => page.getByTestId('wallboard').getAttribute(name);

describe('a wallboard pauses its rotation when a new high-priority alarm arrives, in Chromium', () => {
  let device: Device;
  const opened = withConsole({ simulator: { enabled: false } });

  beforeAll(async () => {
    const { app, page } = opened;
    await setupFirstAdmin(page, app.url);

    // One machine in area Bakery, within its limits (H=62, HH=72), so the board has an area page.
    device = await connectDevice(app, MACHINE);
    await device.meta({ type: 'oven', name: 'Oven 7', limits: { temperature: { high: 62, highHigh: 72 } } });
    await device.readings(3, { temperature: 50, power: 12 });
    await page.getByTestId('machine-tile').first().waitFor(SLOW);
  });
  // After hooks run in reverse: the device goes before the host it sends to.
  afterAll(async () => {
    await device?.close();
  });

  it('rotates between the overview and the area page while all is quiet', async () => {
    const { app, page } = opened;
    // The session token is in sessionStorage, so the same tab stays logged in on the board's address.
    await page.goto(new URL(`/wallboard/bakery?pages=overview,areas&rotate=${ROTATE_S}`, app.url).href);
    await page.getByTestId('wallboard').waitFor(SLOW);
    await page.waitForFunction(() => document.querySelector('[data-testid="alarm-banner"]')?.getAttribute('data-state') === 'none', null, SLOW);
    await page.waitForFunction(() => /1\/2$/.test(document.querySelector('[data-testid="wallboard-page"]')?.textContent ?? ''), null, SLOW);
    expect(await boardAttr(page, 'data-paused')).toBe('no');
    expect(await page.getByTestId('rotation-state').textContent()).toContain(`Rotating every ${ROTATE_S} s`);

    const first = await boardAttr(page, 'data-page');
    await page.waitForFunction((p) => document.querySelector('[data-testid="wallboard"]')?.getAttribute('data-page') !== p, first, SLOW);
    expect(await page.getByTestId('wallboard-page').textContent()).toMatch(/^(Plant overview|Area Bakery) · [12]\/2$/);
    const second = await boardAttr(page, 'data-page');
    await page.waitForFunction((p) => document.querySelector('[data-testid="wallboard"]')?.getAttribute('data-page') !== p, second, SLOW);
  });

  it('pauses on the current page when an HH limit alarm (high) becomes active, and shows it in the banner', async () => {
    const { page } = opened;
    // 80 is above HH=72 for longer than the 3 s on-delay in device time: HH (high) and H (medium) activate.
    await device.readings(8, { temperature: 80, power: 12 });
    await page.waitForFunction(() => document.querySelector('[data-testid="wallboard"]')?.getAttribute('data-paused') === 'alarm', null, SLOW);
    await page.waitForFunction(
      () => /Oven 7/.test(document.querySelector('[data-testid="alarm-banner-top"]')?.textContent ?? '') && document.querySelector('[data-testid="alarm-count"][data-priority="high"]'),
      null,
      SLOW,
    );
    expect(await page.getByTestId('alarm-banner').getAttribute('data-state')).toBe('active');
    expect(await page.getByTestId('alarm-banner').getAttribute('class')).toContain('banner-high');
    // The most urgent alarm on top: the HH one (high), ahead of the H one (medium) on the same sensor.
    expect(await page.getByTestId('alarm-banner-top').textContent()).toMatch(/Oven 7.*temperature high-high: 80 > 72.*UNACK/);
    expect(await page.getByTestId('rotation-state').textContent()).toContain('Rotation paused: new high-priority alarm');
    expect(await page.getByTestId('rotation-toggle').textContent()).toBe('Resume');

    const pausedPage = await boardAttr(page, 'data-page');
    const pausedLabel = await page.getByTestId('wallboard-page').textContent();

    // Stays put for well over two rotation periods.
    await page.waitForTimeout(ROTATE_S * 2_000 + 2_500);
    expect(await boardAttr(page, 'data-page')).toBe(pausedPage);
    expect(await page.getByTestId('wallboard-page').textContent()).toBe(pausedLabel);
    expect(await boardAttr(page, 'data-paused')).toBe('alarm');
    await page.screenshot({ path: `${SCREENSHOTS}wallboard-alarm-1920x1080.png` });
  });

  it('rotates again once someone resumes it', async () => {
    const { page } = opened;
    const pausedPage = await boardAttr(page, 'data-page');
    await page.getByTestId('rotation-toggle').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="wallboard"]')?.getAttribute('data-paused') === 'no', null, SLOW);
    await page.waitForFunction((p) => document.querySelector('[data-testid="wallboard"]')?.getAttribute('data-page') !== p, pausedPage, SLOW);
    // The banner still shows the alarm: resuming rotation does not acknowledge anything.
    expect(await page.getByTestId('alarm-banner').getAttribute('data-state')).toBe('active');
  });
});
