// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bridge, CallName, Health } from '../../../common/contract';
import type { ConditionSummary } from '../../../common/contract-models';
import type { Machine } from '../../../common/telemetry';
import { createServices, type Services } from '../app/services';
import { ServicesContext } from '../app/services-context';
import { summaryFixture } from '../test-fixtures';
import '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { KpiBar } from './KpiBar';
import { MachineGrid } from './MachineGrid';
import { CONDITIONS_POLL_MS, startPlantSync } from './plant-sync';

const machine = (id: string, name: string): Machine => ({ id, name, site: 's', area: 'Stamping', type: 'press', protocol: 'json', firstSeen: 0, lastSeen: 0, state: 'online', sensors: {} });

const health = {
  status: 'ok',
  uptimeS: 1,
  broker: { url: 'mqtt://x', embedded: true, state: 'connected', lastError: null },
  simulator: { running: true, machines: 4 },
  machinesKnown: 4,
  readingsPerSecond: 1,
  quarantine: { total: 0, byReason: {} },
  store: { path: 'x', bytes: 0, pendingRows: 0, lastError: null },
  models: { state: 'not_loaded', detail: '' },
  versions: {},
} satisfies Health;

let container: HTMLElement;
let root: Root;
let services: Services;
let stop: () => void;
let conditions: () => ConditionSummary[];

beforeEach(() => {
  vi.useFakeTimers();
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  const answers: Partial<Record<CallName, () => unknown>> = {
    'machines.list': () => [machine('m1', 'Press 1'), machine('m2', 'Press 2'), machine('m3', 'Press 3'), machine('m4', 'Press 4')],
    'alarms.active': () => ({ alarms: [], total: 0, floods: [] }),
    'health.get': () => health,
    'models.conditions': () => conditions(),
  };
  const bridge: Bridge = {
    invoke: (async (name: CallName) => {
      const answer = answers[name];
      if (!answer) return { ok: false, error: { code: 'internal', message: 'not in this test' } };
      try {
        return { ok: true, data: answer() };
      } catch (error) {
        return { ok: false, error: { code: 'unknown_call', message: (error as Error).message } };
      }
    }) as Bridge['invoke'],
    onEvent: () => () => undefined,
  };
  services = createServices(bridge, sessionTokenStore(sessionStorage), { schedule: (flush) => flush() });
});
afterEach(() => {
  stop();
  act(() => root.unmount());
  services.dispose();
  container.remove();
  vi.useRealTimers();
});

async function show() {
  stop = startPlantSync(services);
  await act(async () => {
    root.render(
      <ServicesContext value={services}>
        <KpiBar />
        <MachineGrid />
      </ServicesContext>,
    );
    await vi.advanceTimersByTimeAsync(0);
  });
}
const tile = (id: string) => container.querySelector<HTMLElement>(`[data-testid="machine-tile"][data-machine-id="${id}"]`)!;
const $ = (el: ParentNode, testId: string) => el.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

describe('condition on the overview', () => {
  it('shows operating state, comm loss and health (banded below 70) or learning on each tile, and plant health with the worst three', async () => {
    conditions = () => [
      summaryFixture({ machineId: 'm1', health: 91 }),
      summaryFixture({ machineId: 'm2', health: 55, operatingState: 'idle' }),
      summaryFixture({ machineId: 'm3', phase: 'learning', health: null, operatingState: 'off' }),
      summaryFixture({ machineId: 'm4', health: 30, operatingState: 'unknown', communicationLost: true, anomalyActive: true }),
    ];
    await show();

    expect($(tile('m1'), 'operating-state')?.textContent).toBe('running');
    expect($(tile('m1'), 'tile-health')?.textContent).toBe('health 91');
    expect($(tile('m1'), 'tile-health')?.className).toBe('tile-health');
    expect($(tile('m2'), 'operating-state')?.textContent).toBe('idle');
    expect($(tile('m2'), 'tile-health')?.dataset['band']).toBe('degraded');
    expect($(tile('m2'), 'tile-health')?.className).toContain('health-degraded');
    expect($(tile('m3'), 'tile-health')?.textContent).toMatch(/^learning \d+ %$/);
    expect(tile('m3').textContent).not.toMatch(/normal/i);
    expect($(tile('m4'), 'comm-lost')?.textContent).toBe('comm lost');
    expect($(tile('m4'), 'tile-anomaly')).not.toBeNull();
    // each tile says its operating state once, beside the name (a machine that is off said OFF twice)
    for (const [id, word] of [['m1', 'running'], ['m2', 'idle'], ['m3', 'off']] as const) {
      expect(tile(id).querySelectorAll('[data-testid="operating-state"]')).toHaveLength(1);
      expect($(tile(id), 'machine-state')?.textContent).toBe(word);
      expect(tile(id).textContent!.toLowerCase().split(word)).toHaveLength(2);
    }
    // an unknown operating state leaves the head at the machine's connection state and says so in the condition line
    expect($(tile('m4'), 'machine-state')?.textContent).toBe('ONLINE');
    expect($(tile('m4'), 'operating-state')?.textContent).toBe('unknown');
    expect($(tile('m4'), 'tile-health')?.dataset['band']).toBe('poor');

    const kpi = $(container, 'kpi-health')!;
    expect(kpi.querySelector('.kpi-value')?.textContent).toBe('59');
    expect([...kpi.querySelectorAll('[data-testid="kpi-health-worst"]')].map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Press 4', '#/machine/m4'],
      ['Press 2', '#/machine/m2'],
      ['Press 1', '#/machine/m1'],
    ]);
    expect(kpi.textContent).toContain('1 learning');
  });

  it('follows the poll, and shows nothing extra (no crash) while the host does not serve models.conditions', async () => {
    conditions = () => [summaryFixture({ machineId: 'm1', health: 91 })];
    await show();
    expect($(tile('m1'), 'tile-health')?.textContent).toBe('health 91');

    conditions = () => {
      throw new Error('unknown call models.conditions');
    };
    await act(() => vi.advanceTimersByTimeAsync(CONDITIONS_POLL_MS));
    expect(container.querySelectorAll('[data-testid="machine-tile"]')).toHaveLength(4);
    expect($(container, 'tile-condition')).toBeNull();
    expect($(container, 'kpi-health')).toBeNull();
    // A refused condition call is not a lost host.
    expect($(container, 'kpi-host-lost')).toBeNull();
    expect(services.health.getState().problem).toBeNull();

    conditions = () => [summaryFixture({ machineId: 'm1', health: 88 })];
    await act(() => vi.advanceTimersByTimeAsync(CONDITIONS_POLL_MS));
    expect($(tile('m1'), 'tile-health')?.textContent).toBe('health 88');
  });
});
