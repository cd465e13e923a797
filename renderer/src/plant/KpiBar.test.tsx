// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bridge, CallName, Health } from '../../../common/contract';
import type { KpiRow } from '../../../common/contract-agents';
import type { Machine } from '../../../common/telemetry';
import { createServices, type Services } from '../app/services';
import { ServicesContext } from '../app/services-context';
import '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { KpiBar } from './KpiBar';

const health = (timeZone: string): Health => ({
  status: 'ok',
  uptimeS: 1,
  broker: { url: 'mqtt://x', embedded: true, state: 'connected', lastError: null },
  simulator: { running: true, machines: 0 },
  machinesKnown: 0,
  readingsPerSecond: 0,
  quarantine: { total: 0, byReason: {} },
  store: { path: 'x', bytes: 0, pendingRows: 0, lastError: null },
  models: { state: 'not_loaded', detail: '' },
  versions: {},
  plant: { timeZone, shiftStartHours: [6, 14, 22] },
});

const row = (bucket: number, downtimeH: number, oee: number): KpiRow => ({
  bucket,
  machineId: null,
  kwh: 0,
  co2Kg: 0,
  production: 0,
  parts: null,
  rejected: null,
  availability: null,
  performance: null,
  quality: null,
  oee,
  downtimeH,
});

let container: HTMLElement;
let root: Root;
let services: Services;
let asked: { from: number; to: number }[];

beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  asked = [];
  const bridge: Bridge = {
    invoke: (async (name: CallName, request: { from: number; to: number }) => {
      if (name !== 'reports.kpis') return { ok: false, error: { code: 'internal', message: 'not in this test' } };
      asked.push({ from: request.from, to: request.to });
      // The host buckets by plant day: one plant row per day asked for, its downtime saying which day it is.
      return { ok: true, data: [row(request.from, (request.to - request.from) / 3_600_000, 0.5)] };
    }) as Bridge['invoke'],
    onEvent: () => () => undefined,
  };
  services = createServices(bridge, sessionTokenStore(sessionStorage), { schedule: (flush) => flush() });
});
afterEach(() => {
  act(() => root.unmount());
  services.dispose();
  container.remove();
  vi.useRealTimers();
});

const downtime = () => container.querySelector('[data-testid="kpi-downtime"] .kpi-value')?.textContent;

describe('dashboard downtime and OEE follow the plant day', () => {
  it('ask for the plant\'s 25-hour day when the clocks go back, and roll over at the plant\'s midnight, not at UTC midnight', async () => {
    // 25 October 2026, 23:59:50 in Berlin (CET again since 03:00): 22:59:50 UTC.
    vi.useFakeTimers({ now: Date.UTC(2026, 9, 25, 22, 59, 50), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    services.health.getState().received(health('Europe/Berlin'));
    await act(async () => {
      root.render(
        <ServicesContext value={services}>
          <KpiBar />
        </ServicesContext>,
      );
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(asked.at(-1)).toEqual({ from: Date.UTC(2026, 9, 24, 22), to: Date.UTC(2026, 9, 25, 23) });
    expect(downtime()).toBe('25.0 h');
    expect(container.querySelector('[data-testid="kpi-oee"] .kpi-value')?.textContent).toBe('50 %');

    // Past the plant's midnight (23:00 UTC): the next plant day, 24 hours from 00:00 CET.
    await act(() => vi.advanceTimersByTimeAsync(15_000));
    expect(asked.at(-1)).toEqual({ from: Date.UTC(2026, 9, 25, 23), to: Date.UTC(2026, 9, 26, 23) });
    expect(downtime()).toBe('24.0 h');
  });

  it('asks for the 23-hour day when the clocks go forward, in the plant\'s zone whatever the console\'s', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 2, 29, 12), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    services.health.getState().received(health('Europe/Berlin'));
    await act(async () => {
      root.render(
        <ServicesContext value={services}>
          <KpiBar />
        </ServicesContext>,
      );
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(asked.at(-1)).toEqual({ from: Date.UTC(2026, 2, 28, 23), to: Date.UTC(2026, 2, 29, 22) });
    expect(downtime()).toBe('23.0 h');
  });
});

describe('KPI cards say in a few words what each figure is, the whole of it on hover', () => {
  const machine = (id: string, state: Machine['state']): Machine => ({ id, name: id, site: 's', area: 'hall', type: 'press', protocol: 'json', firstSeen: 0, lastSeen: 0, state, sensors: {} });
  const card = (id: string) => container.querySelector<HTMLElement>(`[data-testid="kpi-${id}"]`)!;
  const detail = (id: string) => card(id).querySelector('.kpi-detail')?.textContent ?? '';

  it('keeps every detail short enough for one line of a desk card, and the explanation in the title', async () => {
    services.machines.getState().upsert([machine('a', 'online'), machine('b', 'stale')]);
    await act(async () => {
      root.render(
        <ServicesContext value={services}>
          <KpiBar />
        </ServicesContext>,
      );
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    const cards = [...container.querySelectorAll<HTMLElement>('.kpi')];
    expect(cards.length).toBeGreaterThanOrEqual(6);
    // About 36 characters fit one line of a card on a 1920-pixel desk screen with nine cards a row.
    for (const c of cards) expect(c.querySelector('.kpi-detail')?.textContent?.length ?? 0, c.dataset['testid']).toBeLessThanOrEqual(36);
    expect(detail('oee')).toBe('availability × performance × quality');
    expect(card('oee').title).toBe('OEE today: 50 %, availability × performance × quality; performance against the best rate seen');
    expect(detail('downtime')).toBe('machine-hours below run level');
    expect(card('downtime').title).toContain('with power below the run level, closed hours');
    expect(detail('machines')).toBe('1 stale · 0 offline');
    // No machine has a power sensor: the card says so rather than "all counted".
    expect(detail('power')).toBe('no power sensor');
    expect(card('power').title).toBe('Power: unknown, no machine reports power');
    expect(detail('co2')).toBe('no baseline yet');
    expect(card('co2').title).toBe('CO2: unknown, no accepted energy baseline yet · at 0.5 kg CO2 per kWh');
  });
});
