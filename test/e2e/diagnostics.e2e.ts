/**
 * The diagnostics screen against a real headless host with its simulator: an administrator opens it
 * from the header and sees the host's own figures (broker, readings, a quarantined message, the
 * store, the models' scoring latency, contract calls, slow statements, agents, disk).
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { SCREENSHOTS, setupFirstAdmin, SLOW, withConsole } from './support';

describe('diagnostics screen', () => {
  // Every statement of 1 ms or more is listed, so the slow-statement table has real rows to show.
  const opened = withConsole({ simulator: { machines: 6 }, diagnostics: { slowQueryMs: 1 } });

  it('shows the host’s own figures to an administrator', async () => {
    const { app, page } = opened;
    await setupFirstAdmin(page, app.url);
    // A device that sends something that is not JSON: it lands in the quarantine.
    const health = (await (await fetch(new URL('/api/health', app.url))).json()) as { broker: { url: string } };
    const device = await mqtt.connectAsync(health.broker.url, { reconnectPeriod: 0 });
    await device.publishAsync('factory/plant1/test/bad-sensor/telemetry', 'temperature=71.5', { qos: 1 });
    await device.endAsync();

    await page.getByTestId('nav-diagnostics').click();
    await page.getByTestId('diagnostics').waitFor(SLOW);
    const text = (id: string) => page.getByTestId(id).first().textContent();

    await expect.poll(() => text('diag-broker-state'), SLOW).toBe('connected');
    await expect.poll(async () => Number(await text('diag-readings-rate')), SLOW).toBeGreaterThan(0);
    await expect.poll(async () => Number(await text('diag-quarantine-total')), SLOW).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.getByTestId('diag-quarantine-row').filter({ hasText: 'factory/plant1/test/bad-sensor/telemetry' }).count(), SLOW).toBe(1);
    expect(await text('diag-store-size')).toMatch(/^\d+(\.\d)? (KB|MB|GB)$/);
    expect(await text('diag-model-state')).toMatch(/^(ok|uncertain|not loaded)$/);
    // Scoring runs every live tick: real latencies, not dashes.
    await expect.poll(() => text('diag-inference-latency'), SLOW).toMatch(/^\d+(\.\d+)? m?s \/ \d+(\.\d+)? m?s$/);
    // The screen's own refreshes and the shell's calls are in the call table, timed.
    await expect.poll(() => page.locator('[data-testid="diag-call-row"][data-call="diagnostics.snapshot"]').count(), SLOW).toBe(1);
    const snapshotRow = await page.locator('[data-testid="diag-call-row"][data-call="diagnostics.snapshot"] td').allTextContents();
    expect(Number(snapshotRow[1])).toBeGreaterThanOrEqual(1);
    expect(snapshotRow[3]).toMatch(/ms$/);
    await expect.poll(() => page.getByTestId('diag-slow-row').count(), SLOW).toBeGreaterThan(0);
    expect(await text('diag-disk-free')).toMatch(/ of .*\(\d+(\.\d)?%\)$/);
    await expect.poll(() => text('diag-agents-time'), SLOW).not.toBe('—');

    await page.screenshot({ path: `${SCREENSHOTS}diagnostics-1920x1080.png` });
  });
});
