/**
 * Browser-test support: the real CLI's `serve` in its own process (stopped by PID) and Debian's
 * Chromium driven by playwright-core. Nothing is downloaded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Role } from '../../common/roles';
import { stopProcess } from '../support/processes';

const root = new URL('../..', import.meta.url).pathname;

export interface ServedApp {
  url: string;
  /** The first-run setup token the host printed at start (a fresh data dir has no account). */
  setupToken: string | null;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Setup tokens by app URL, so setupFirstAdmin(page, app.url) finds the one its host printed. */
const setupTokens = new Map<string, string>();

/**
 * Starts `factorybrain serve` on free ports with a fresh data dir; `config` is merged into config.json.
 * `prepare` writes into the data dir before the host starts, for what a host only reads at start.
 */
export async function serveApp(config: Record<string, unknown> = {}, prepare?: (dataDir: string) => void): Promise<ServedApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fb-e2e-'));
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ server: { port: 0 }, broker: { embeddedPort: 0 }, ...config }));
  prepare?.(dataDir);
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin/factorybrain.mjs'), 'serve', '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    // On a loaded machine (other tests, Chromium) the host takes over 30 s to start.
    const timer = setTimeout(() => reject(new Error(`serve did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /Open (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  const setupToken = /Setup token for the first administrator: (\S+)/.exec(output)?.[1] ?? null;
  if (setupToken) setupTokens.set(url, setupToken);
  return {
    url,
    setupToken,
    dataDir,
    output: () => output,
    async stop() {
      await stopProcess(child, 'SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  // playwright gives every launch a fresh temporary profile of its own.
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    headless: true,
  });
}

export const ADMIN_PASSWORD = 'correct horse battery';
/** Generous: two busy cores run the host, its broker, Chromium and the test. */
export const SLOW = { timeout: 30_000 };
export const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

/** What a browser test works with: the served app, Chromium, and one page on it. */
export interface Console {
  app: ServedApp;
  browser: Browser;
  page: Page;
}

/**
 * Serves the app with `config` and opens one Chromium page (1920 × 1080 unless `context` says
 * otherwise) before the enclosing describe's tests, and closes both after them. The fields are set
 * once its beforeAll has run: read them inside the tests and hooks, not at the top of the describe.
 */
export function withConsole(config: Record<string, unknown> = {}, context: BrowserContextOptions = {}): Console {
  const opened = {} as Console;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    opened.app = await serveApp(config);
    opened.browser = await launchChromium();
    opened.page = await opened.browser.newPage({ viewport: { width: 1920, height: 1080 }, ...context });
  });
  afterAll(async () => {
    await opened.browser?.close();
    await opened.app?.stop();
  });
  return opened;
}

/**
 * First run: creates the administrator "chief" through the setup form (there is no default account),
 * with the setup token the host printed, as an administrator following the printed link would.
 */
export async function setupFirstAdmin(page: Page, url: string): Promise<void> {
  const token = setupTokens.get(url);
  await page.goto(token ? `${url}#setup=${token}` : url);
  await page.getByTestId('setup-username').fill('chief');
  await page.getByTestId('setup-password').fill(ADMIN_PASSWORD);
  await page.getByTestId('setup-confirm').fill(ADMIN_PASSWORD);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('logout').waitFor(SLOW);
}

/** Logs in on the login form the page shows, and waits for the logged-in frame. */
export async function fillLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logout').waitFor(SLOW);
}

/** Opens the app and logs in, as the first administrator unless told otherwise. */
export async function login(page: Page, url: string, username = 'chief', password = ADMIN_PASSWORD): Promise<void> {
  await page.goto(url);
  await fillLogin(page, username, password);
}

/** Creates an account on the users screen (which the page shows) and returns its row once listed. */
export async function createUser(page: Page, username: string, password: string, role: Role): Promise<Locator> {
  await page.getByTestId('user-new-name').fill(username);
  await page.getByTestId('user-new-password').fill(password);
  await page.getByTestId('user-new-role').selectOption(role);
  await page.getByTestId('user-create-submit').click();
  const row = page.locator(`[data-testid="user-row"][data-username="${username}"]`);
  await row.waitFor(SLOW);
  return row;
}

/**
 * A device on the app's own broker (the address /api/health reports). Device time only moves
 * forward: readings older than a machine's last one are ignored by design.
 */
export async function connectDevice(app: ServedApp, machine: string) {
  const health = (await (await fetch(new URL('/api/health', app.url))).json()) as { broker: { url: string } };
  const client = await mqtt.connectAsync(health.broker.url, { reconnectPeriod: 0 });
  let lastTs = 0;
  return {
    meta: (meta: Record<string, unknown>) => client.publishAsync(`factory/${machine}/meta`, JSON.stringify(meta), { retain: true, qos: 1 }),
    /** `count` readings one second apart in device time, ending about now. */
    async readings(count: number, metrics: Record<string, number>) {
      const start = Math.max(lastTs + 1000, Date.now() - count * 1000 - 2000);
      for (let i = 0; i < count; i++) {
        lastTs = start + i * 1000;
        await client.publishAsync(`factory/${machine}/telemetry`, JSON.stringify({ ts: lastTs, metrics }), { qos: 1 });
      }
    },
    close: () => client.endAsync(),
  };
}
export type Device = Awaited<ReturnType<typeof connectDevice>>;
