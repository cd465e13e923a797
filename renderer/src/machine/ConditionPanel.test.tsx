// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bridge, CallName, CallResponse } from '../../../common/contract';
import type { Role } from '../../../common/roles';
import { createServices, type Services } from '../app/services';
import { ServicesContext } from '../app/services-context';
import { conditionFixture } from '../test-fixtures';
import { fillIn, submit } from '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { formatTime } from '../app/time-format';
import { ConditionPanel } from './ConditionPanel';

const HOUR = 3_600_000;
type Answer = (request: Record<string, unknown>) => unknown;

let container: HTMLElement;
let root: Root;
let services: Services;
let answers: Partial<Record<CallName, Answer>>;
let received: { name: CallName; request: unknown }[];

const models = (): CallResponse<'models.machine'> => ({
  anomaly: { machineId: 'm1', ts: 1, state: 'calibrating', score: null, threshold: null, type: null, contributors: [], detail: 'calibrating: 12 of 400 readings' },
  condition: conditionFixture({ anomaly: { active: true, score: 1.8, type: 'thermal', since: 1_000, contributors: [{ sensor: 'temperature', contribution: 0.7 }] } }),
  failure: null,
  rul: null,
  calibration: { state: 'calibrating', sensors: [], threshold: null, from: null, to: null },
});

beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  received = [];
  answers = {
    'models.machine': () => models(),
    'models.healthHistory': () => [],
    'models.stateHistory': (r) => ({
      spans: [
        { from: (r['from'] as number) - HOUR, to: (r['from'] as number) + 6 * HOUR, state: 'off' },
        { from: (r['from'] as number) + 6 * HOUR, to: r['to'] as number, state: 'running' },
      ],
      totals: { machineId: 'm1', from: r['from'], to: r['to'], hours: { off: 6, idle: 0, running: 18, unknown: 0 } },
    }),
  };
  const bridge: Bridge = {
    invoke: (async (name: CallName, request: Record<string, unknown>) => {
      received.push({ name, request });
      const answer = answers[name];
      if (!answer) return { ok: false, error: { code: 'unknown_call', message: `no ${name} here` } };
      try {
        return { ok: true, data: answer(request) };
      } catch (error) {
        return { ok: false, error: { code: 'forbidden', message: (error as Error).message } };
      }
    }) as Bridge['invoke'],
    onEvent: () => () => undefined,
  };
  services = createServices(bridge, sessionTokenStore(sessionStorage), { schedule: (flush) => flush() });
});
afterEach(() => {
  act(() => root.unmount());
  services.dispose();
  container.remove();
});

async function show(role: Role) {
  services.session.setState({ status: 'loggedIn', user: { id: 1, username: 'u', role }, token: 't' });
  await act(async () => {
    root.render(
      <ServicesContext value={services}>
        <ConditionPanel machineId="m1" />
      </ServicesContext>,
    );
  });
  await act(async () => undefined);
}
const $ = (testId: string) => container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

describe('ConditionPanel', () => {
  it('shows each model side by side, labelled with which model spoke', async () => {
    await show('viewer');
    expect($('condition-monitor')?.querySelector('h4')?.textContent).toBe('Condition monitor (this machine’s own model)');
    expect($('condition-ai4i')?.querySelector('h4')?.textContent).toBe('AI4I failure model');
    expect($('condition-cmapss')?.querySelector('h4')?.textContent).toBe('C-MAPSS RUL (cycles)');
    expect($('condition-commissioning')?.querySelector('h4')?.textContent).toBe('Commissioning-window detector');
    expect($('condition-anomaly')?.textContent).toBe('calibrating: 12 of 400 readings');
    expect($('monitor-state')?.textContent).toBe('running, load band mid');
    expect($('monitor-health')?.textContent).toBe('82 of 100, trend -0.04 per hour');
    expect($('monitor-failure')?.textContent).toBe('1.2 % within 72 h');
    expect($('monitor-rul')?.textContent).toBe('no degradation trend');
    expect($('monitor-anomaly')?.textContent).toMatch(/^ANOMALY, thermal: score 1.8 × its limit, since .*; top sensors: temperature 0.7$/);
    expect($('monitor-anomaly')?.className).toBe('condition-abnormal');
    expect($('health-history-none')?.textContent).toBe('No health history yet.');
    expect($('state-totals')?.textContent).toContain('off 6.0 h');
    expect($('running-share')?.textContent).toBe('running 75 % of 24 h');
    // Spans are clipped to the range.
    const spans = [...container.querySelectorAll<HTMLElement>('.state-span')];
    expect(spans.map((s) => [s.dataset['state'], s.style.left, s.style.width])).toEqual([
      ['off', '0%', '25%'],
      ['running', '25%', '75%'],
    ]);
    const history = received.find((r) => r.name === 'models.healthHistory')!.request as { from: number; to: number };
    expect(history.to - history.from).toBe(24 * HOUR);
  });

  it('says when the plant optimizer asked to watch the machine closer, until when and why, and nothing otherwise', async () => {
    await show('viewer');
    expect($('monitor-heightened')).toBeNull();
    act(() => root.unmount());
    root = createRoot(container);
    const until = Date.UTC(2025, 0, 6, 14, 5);
    answers['models.machine'] = () => ({ ...models(), condition: conditionFixture({ heightened: { until, factor: 0.8, reason: 'high failure risk (probability 80 %)' } }) });
    await show('viewer');
    const text = $('monitor-heightened')?.textContent ?? '';
    expect(text).toMatch(/^Heightened monitoring until \d\d:\d\d.* \(asked by the plant optimizer: high failure risk \(probability 80 %\)\); anomaly thresholds at 80 %$/);
    expect(text).toContain(formatTime(until, false));
  });

  it('offers "Mark as normal operation" to supervisors and administrators only', async () => {
    await show('operator');
    expect($('mark-normal')).toBeNull();
    act(() => root.unmount());
    root = createRoot(container);
    await show('admin');
    expect($('mark-normal')?.textContent).toBe('Mark as normal operation');
  });

  it('needs a note, sends it, and shows a refusal as it came', async () => {
    await show('supervisor');
    act(() => $('mark-normal')!.click());
    await submit(container, 'mark-normal-submit');
    expect($('mark-normal-error')?.textContent).toMatch(/at least 3 characters/);
    expect(received.some((r) => r.name === 'models.markNormal')).toBe(false);

    answers['models.markNormal'] = () => {
      throw new Error('no anomaly episode to learn from');
    };
    fillIn(container, 'mark-normal-note', '  night shift cleaning run ');
    await submit(container, 'mark-normal-submit');
    expect(received.find((r) => r.name === 'models.markNormal')?.request).toEqual({ machineId: 'm1', note: 'night shift cleaning run' });
    expect($('mark-normal-error')?.textContent).toBe('Mark as normal refused: no anomaly episode to learn from');

    answers['models.markNormal'] = () => ({ ok: true, version: 4, from: 1, to: 2 });
    await submit(container, 'mark-normal-submit');
    expect($('mark-normal-error')).toBeNull();
    expect($('mark-normal-done')?.textContent).toBe('Learned as normal operation; the model is now version 4.');
  });

  it('says where the monitor and its histories are not available, without breaking the other models', async () => {
    answers['models.machine'] = () => ({ ...models(), condition: null });
    delete answers['models.healthHistory'];
    delete answers['models.stateHistory'];
    await show('viewer');
    expect($('monitor-none')?.textContent).toBe('No output yet from this machine’s condition monitor.');
    expect($('health-history-none')?.textContent).toBe('Health history: not available (no models.healthHistory here)');
    expect($('state-history-none')?.textContent).toBe('State history: not available (no models.stateHistory here)');
    expect($('condition-anomaly')?.textContent).toBe('calibrating: 12 of 400 readings');
  });
});
