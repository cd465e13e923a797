// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bridge, CallName } from '../../../common/contract';
import type { AreaLayout, StoredAreaLayout } from '../../../common/contract-area';
import type { Role } from '../../../common/roles';
import type { Machine } from '../../../common/telemetry';
import { createServices, type Services } from '../app/services';
import { ServicesContext } from '../app/services-context';
import { alarmRow } from '../../../test/support/alarm-row';
import '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { AreaGraphic } from './AreaGraphic';

const WIDTH = 1200;
const HEIGHT = 500;

const machine = (id: string, name: string, sensors: Record<string, number> = {}, patch: Partial<Machine> = {}): Machine => ({
  id,
  name,
  site: 's',
  area: 'fluids',
  type: 'pump',
  protocol: 'json',
  firstSeen: 0,
  lastSeen: 0,
  state: 'online',
  sensors: Object.fromEntries(Object.entries(sensors).map(([k, value]) => [k, { value, ts: 1, quality: 'good' as const }])),
  eng: { temperature: { unit: '°C', normal: { low: 20, high: 60 } }, pressure: { unit: 'bar', display: { low: 0, high: 10 } } },
  ...patch,
});

const automatic: StoredAreaLayout = { area: 'fluids', layout: null, updatedBy: null, updatedAt: null, problem: null };

let container: HTMLElement;
let root: Root;
let services: Services;
let stored: StoredAreaLayout;
let setRequests: { area: string; layout: AreaLayout | null }[];
let refuseSet: string | null;
const restore: (() => void)[] = [];

/** jsdom lays nothing out: the drawing gets a fixed size, the way a 1920-wide screen gives it one. */
function stubSize(prop: 'clientWidth' | 'clientHeight', value: number) {
  const before = Object.getOwnPropertyDescriptor(Element.prototype, prop)!;
  Object.defineProperty(Element.prototype, prop, { configurable: true, get: () => value });
  restore.push(() => Object.defineProperty(Element.prototype, prop, before));
}

beforeEach(() => {
  stubSize('clientWidth', WIDTH);
  stubSize('clientHeight', HEIGHT);
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  stored = automatic;
  setRequests = [];
  refuseSet = null;
  const answers: Partial<Record<CallName, (request: never) => unknown>> = {
    'areas.layout.get': () => stored,
    'areas.layout.set': (request: { area: string; layout: AreaLayout | null }) => {
      if (refuseSet) throw new Error(refuseSet);
      setRequests.push(request);
      stored = { area: request.area, layout: request.layout, updatedBy: 'eng', updatedAt: Date.UTC(2026, 11, 6), problem: null };
      return stored;
    },
  };
  const bridge: Bridge = {
    invoke: (async (name: CallName, request: never) => {
      const answer = answers[name];
      if (!answer) return { ok: false, error: { code: 'internal', message: 'not in this test' } };
      try {
        return { ok: true, data: answer(request) };
      } catch (error) {
        return { ok: false, error: { code: 'bad_request', message: (error as Error).message } };
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
  while (restore.length > 0) restore.pop()!();
});

const plant = [machine('M10', 'P-10', { temperature: 75.26, pressure: 4.2 }), machine('M2', 'P-02', { temperature: 41.04 }), machine('M3', 'P-03', {}, { state: 'offline' })];

async function show(role: Role, machines: Machine[] = plant) {
  services.session.setState({ status: 'loggedIn', user: { id: 1, username: 'u', role }, token: 't' });
  services.receiveMachines(machines, true);
  await act(async () => {
    root.render(
      <ServicesContext value={services}>
        <AreaGraphic area="fluids" machines={machines} />
      </ServicesContext>,
    );
  });
}

const $ = (testId: string, el: ParentNode = container) => el.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const $$ = (testId: string, el: ParentNode = container) => [...el.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
const node = (id: string) => container.querySelector<HTMLElement>(`[data-testid="area-node"][data-machine-id="${id}"]`)!;
const click = (el: HTMLElement) => act(async () => el.click());
const pointer = (el: HTMLElement, type: string, clientX: number, clientY: number) =>
  act(() => {
    el.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, button: 0, clientX, clientY }));
  });

describe('the area graphic', () => {
  it('without a layout arranges the machines automatically in machine order, with state, worst alarm and key values in their units', async () => {
    services.alarms.getState().received([alarmRow('a1', { machineId: 'M2', priority: 'high' }), alarmRow('a2', { machineId: 'M2', priority: 'low' })]);
    await show('viewer');

    expect($('area-graphic')?.dataset['layout']).toBe('automatic');
    expect($('area-layout-source')?.textContent).toMatch(/^Automatic arrangement in machine order/);
    expect($$('area-node').map((n) => n.dataset['machineId'])).toEqual(['M2', 'M3', 'M10']);
    // Left to right in one row: a 1200 × 500 drawing holds three boxes side by side.
    expect($$('area-node').map((n) => [n.dataset['x'], n.dataset['y']])).toEqual([
      ['0.0000', '0.5000'],
      ['0.5000', '0.5000'],
      ['1.0000', '0.5000'],
    ]);
    expect($$('area-link-line')).toHaveLength(0);

    expect($('area-node-state', node('M3'))?.textContent).toBe('OFFLINE');
    expect(node('M3').className).toContain('machine-offline');
    expect($('alarm-priority', node('M2'))?.dataset['priority']).toBe('high');
    expect(node('M2').className).toContain('alarm-high');
    expect($('alarm-priority', node('M10'))).toBeNull();

    const values = $$('area-node-value', node('M10'));
    expect(values.map((v) => [v.dataset['sensor'], v.querySelector('.area-value-number')?.textContent, v.querySelector('.area-value-unit')?.textContent])).toEqual([
      ['pressure', '4.2', 'bar'],
      ['temperature', '75.3', '°C'],
    ]);
    // Above the normal band: the value is bold, not coloured (ISA-101).
    expect(values[1]?.dataset['zone']).toBe('abnormal');
    expect($('area-node-value', node('M2'))?.dataset['zone']).toBe('normal');
    // A viewer sees the graphic but cannot arrange it.
    expect($('area-arrange')).toBeNull();
    expect(node('M2').querySelector('a')?.getAttribute('href')).toBe('#/machine/M2');
  });

  it("draws a saved layout with its connections, and says which machines it names that are gone and which it does not place yet", async () => {
    stored = {
      area: 'fluids',
      layout: {
        nodes: [
          { machineId: 'M10', x: 0, y: 0 },
          { machineId: 'M2', x: 1, y: 0 },
          { machineId: 'M99', x: 0.5, y: 0.5 },
        ],
        links: [
          { from: 'M10', to: 'M2' },
          { from: 'M2', to: 'M99' },
        ],
      },
      updatedBy: 'eng',
      updatedAt: Date.UTC(2026, 11, 1),
      problem: null,
    };
    await show('operator');

    expect($('area-graphic')?.dataset['layout']).toBe('saved');
    expect($('area-layout-source')?.textContent).toBe('Arranged by eng on 2026-12-01');
    expect(node('M10').style.left).toBe('0px');
    expect(node('M2').style.left).not.toBe('0px');
    expect($$('area-link-line').map((l) => [l.dataset['from'], l.dataset['to']])).toEqual([['M10', 'M2']]);
    expect($$('area-layout-note').map((n) => n.textContent)).toEqual([
      'The saved layout places machines this area no longer has (M99); they are left out, and saving the layout drops them.',
      'Not in the saved layout yet, placed along the bottom: P-03.',
    ]);
    expect(node('M3').dataset['y']).toBe('1.0000');
    expect($('area-arrange')).toBeNull();
  });

  it('scales a layout arranged with smaller boxes to this screen\'s, with no box over another, and saves it with the box it now has', async () => {
    // Arranged where a box was 8 % of the drawing wide and a fifth high: at those fractions P-03 would lie over P-02 here.
    stored = {
      area: 'fluids',
      layout: {
        nodes: [
          { machineId: 'M2', x: 0, y: 0 },
          { machineId: 'M3', x: 0.1, y: 0.1 },
          { machineId: 'M10', x: 0.3, y: 0 },
        ],
        links: [],
        box: { width: 0.08, height: 0.2 },
      },
      updatedBy: 'eng',
      updatedAt: Date.UTC(2026, 11, 1),
      problem: null,
    };
    await show('supervisor');
    const rect = (id: string) => {
      const [left, top, width, height] = ['left', 'top', 'width', 'height'].map((k) => parseFloat(node(id).style.getPropertyValue(k)));
      return { left: left!, top: top!, width: width!, height: height! };
    };
    const [m2, m3, m10] = ['M2', 'M3', 'M10'].map(rect) as [ReturnType<typeof rect>, ReturnType<typeof rect>, ReturnType<typeof rect>];
    expect(m2.width / WIDTH).toBeGreaterThan(0.08);
    // Left at its saved fractions, P-03 would lie over P-02.
    expect(0.1 * (WIDTH - m2.width) < m2.width && 0.1 * (HEIGHT - m2.height) < m2.height).toBe(true);
    const apart = (a: typeof m2, b: typeof m2) => Math.abs(a.left - b.left) >= a.width - 0.5 || Math.abs(a.top - b.top) >= a.height - 0.5;
    expect([apart(m2, m3), apart(m2, m10), apart(m3, m10)]).toEqual([true, true, true]);
    // The shape in box lengths is kept: P-03 1.15 boxes right of P-02 and 0.4 of a box down, P-10 3.45 boxes right.
    expect(m3.left / m3.width).toBeCloseTo(1.15, 1);
    expect(m3.top / m3.height).toBeCloseTo(0.4, 1);
    expect(m10.left / m10.width).toBeCloseTo(3.45, 1);
    expect($$('area-layout-note')).toHaveLength(0);

    await click($('area-arrange')!);
    await click($('area-save')!);
    expect(setRequests[0]?.layout?.box).toEqual({ width: m2.width / WIDTH, height: m2.height / HEIGHT });
    expect(rect('M3')).toEqual(m3);
  });

  it('says so when the stored layout is unreadable, and still draws every machine', async () => {
    stored = { ...automatic, problem: 'The saved layout of this area cannot be read (Invalid input); the automatic arrangement is shown until an engineer saves a new one.' };
    await show('viewer');
    expect($('area-layout-note')?.textContent).toMatch(/cannot be read/);
    expect($$('area-node')).toHaveLength(3);
  });

  it('lets an engineer drag a machine, connect two and save; the saved layout is what is drawn after', async () => {
    await show('supervisor');
    await click($('area-arrange')!);
    expect($('area-graphic')?.className).toContain('arranging');
    // In arranging mode the name is not a link, so a drag never opens the machine.
    expect(node('M2').querySelector('a')).toBeNull();

    // Take hold 10 px into the box at its place (top-left in pixels from its style) and drop it 10 px from the drawing's corner.
    const target = node('M10');
    const [left, top, width, height] = ['left', 'top', 'width', 'height'].map((k) => parseFloat(target.style.getPropertyValue(k)));
    const free = { x: WIDTH - width!, y: HEIGHT - height! };
    pointer(target, 'pointerdown', left! + 10, top! + 10);
    pointer(target, 'pointermove', 10 + 10, 10 + 10);
    pointer(target, 'pointerup', 20, 20);
    expect(node('M10').dataset['x']).toBe((10 / free.x).toFixed(4));
    expect(node('M10').dataset['y']).toBe((10 / free.y).toFixed(4));

    // Arrow keys move the focused box too.
    act(() => {
      node('M3').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    });
    expect(node('M3').dataset['y']).toBe('0.5200');

    // Escape drops a half-made connection, and is kept from the shell (which would leave the screen).
    await click($('area-connect', node('M10'))!);
    const shell = vi.fn();
    window.addEventListener('keydown', shell);
    act(() => {
      node('M10').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    window.removeEventListener('keydown', shell);
    expect(shell).not.toHaveBeenCalled();
    expect($('area-layout-source')?.textContent).toMatch(/^Drag a machine/);

    await click($('area-connect', node('M2'))!);
    expect($('area-layout-source')?.textContent).toMatch(/^Connect P-02 to…/);
    await click($('area-connect', node('M3'))!);
    expect($$('area-link-line').map((l) => [l.dataset['from'], l.dataset['to']])).toEqual([['M2', 'M3']]);

    await click($('area-save')!);
    expect(setRequests).toHaveLength(1);
    expect(setRequests[0]?.area).toBe('fluids');
    expect(setRequests[0]?.layout?.links).toEqual([{ from: 'M2', to: 'M3' }]);
    expect(setRequests[0]?.layout?.nodes.find((n) => n.machineId === 'M10')).toEqual({ machineId: 'M10', x: 10 / free.x, y: 10 / free.y });
    expect($('area-graphic')?.className).not.toContain('arranging');
    expect($('area-graphic')?.dataset['layout']).toBe('saved');
    expect($('area-layout-source')?.textContent).toBe('Arranged by eng on 2026-12-06');
    expect(node('M10').dataset['x']).toBe((10 / free.x).toFixed(4));
  });

  it('keeps the draft and says why when the host refuses the layout; cancel and the automatic arrangement need no save', async () => {
    await show('admin');
    await click($('area-arrange')!);
    const m2 = node('M2');
    pointer(m2, 'pointerdown', 5, parseFloat(m2.style.top) + 5);
    pointer(m2, 'pointermove', 5, 5);
    pointer(m2, 'pointerup', 5, 5);
    refuseSet = 'not machines of area fluids: M2';
    await click($('area-save')!);
    expect($('area-layout-error')?.textContent).toBe('The layout was not saved: not machines of area fluids: M2');
    expect($('area-graphic')?.className).toContain('arranging');
    expect(node('M2').dataset['y']).toBe('0.0000');

    await click($('area-automatic')!);
    expect(node('M2').dataset['y']).toBe('0.5000');
    await click($('area-cancel')!);
    expect($('area-graphic')?.className).not.toContain('arranging');
    expect(setRequests).toHaveLength(0);
  });

  it('with many machines draws small boxes: name and alarm, the state only where it is not normal, no values', async () => {
    const many = Array.from({ length: 100 }, (_, i) => machine(`M${i + 1}`, `CNC-${String(i + 1).padStart(3, '0')}`, { temperature: 30 }, i === 4 ? { state: 'offline' } : {}));
    await show('viewer', many);
    expect($$('area-node')).toHaveLength(100);
    expect($$('area-node-value')).toHaveLength(0);
    expect(node('M1').className).toContain('area-node-brief');
    expect($('area-node-state', node('M1'))).toBeNull();
    expect($('area-node-state', node('M5'))?.textContent).toBe('OFFLINE');
    expect(node('M1').getAttribute('title')).toBe('CNC-001 (pump) online');
  });

  it('with 500 machines draws one-line boxes in the dense grid, none over another, the full name kept for hover and focus', async () => {
    const many = Array.from({ length: 500 }, (_, i) => machine(`M${i + 1}`, `Press line station ${i + 1}`, { temperature: 30 }));
    await show('viewer', many);
    expect($$('area-node')).toHaveLength(500);
    expect(node('M1').className).toContain('area-node-mini');
    expect(node('M1').querySelector('.area-node-name')?.textContent).toBe('Press line station 1');
    expect(node('M1').getAttribute('title')).toBe('Press line station 1 (pump) online');
    const rects = $$('area-node').map((n) => ({ left: parseFloat(n.style.left), top: parseFloat(n.style.top), width: parseFloat(n.style.width), height: parseFloat(n.style.height) }));
    const rows = [...new Set(rects.map((r) => r.top))].sort((a, b) => a - b);
    const columns = [...new Set(rects.map((r) => r.left))].sort((a, b) => a - b);
    // Neighbours in a row and in a column are a box and more apart; the last row ends inside the drawing.
    expect(Math.min(...columns.slice(1).map((l, i) => l - columns[i]!))).toBeGreaterThanOrEqual(rects[0]!.width);
    expect(Math.min(...rows.slice(1).map((t, i) => t - rows[i]!))).toBeGreaterThanOrEqual(rects[0]!.height);
    expect(rows.at(-1)! + rects[0]!.height).toBeLessThanOrEqual(HEIGHT);
    expect(columns.at(-1)! + rects[0]!.width).toBeLessThanOrEqual(WIDTH);
  });
});
