// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bridge } from '../../../common/contract';
import type { Machine } from '../../../common/telemetry';
import { createServices, type Services } from '../app/services';
import { ServicesContext } from '../app/services-context';
import '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { MachineGrid } from './MachineGrid';

const machine = (i: number, state: Machine['state']): Machine => ({
  id: `m${i}`,
  name: `Press ${String(i).padStart(3, '0')}`,
  site: 's',
  area: 'Stamping',
  type: 'press',
  protocol: 'json',
  firstSeen: 0,
  lastSeen: 0,
  state,
  sensors: { force: { value: i, ts: 1, quality: state === 'online' ? 'good' : 'stale' } },
});

const bridge: Bridge = {
  invoke: (async () => ({ ok: false, error: { code: 'internal', message: 'not in this test' } })) as Bridge['invoke'],
  onEvent: () => () => undefined,
};

let container: HTMLElement;
let root: Root;
let services: Services;
let frames: (() => void)[];

beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  frames = [];
  services = createServices(bridge, sessionTokenStore(sessionStorage), { schedule: (flush) => frames.push(flush) });
});
afterEach(() => {
  act(() => root.unmount());
  services.dispose();
  container.remove();
});

/** Runs animation frames (the pacer draws within each) until none is pending; returns how many ran. */
function runFrames(): number {
  let ran = 0;
  act(() => {
    while (frames.length > 0 && ran < 10_000) {
      frames.splice(0).forEach((frame) => frame());
      ran += 1;
    }
  });
  return ran;
}

const states = () => [...container.querySelectorAll<HTMLElement>('[data-testid="machine-tile"]')].map((tile) => tile.dataset['state']);

describe('MachineGrid', () => {
  it('redraws the tiles of a reloaded machine list through the pacer, over frames, never all in the task that brought it', () => {
    const count = 100;
    act(() => services.machines.getState().replace(Array.from({ length: count }, (_, i) => machine(i, 'online'))));
    act(() =>
      root.render(
        <ServicesContext value={services}>
          <MachineGrid />
        </ServicesContext>,
      ),
    );
    runFrames();
    expect(states()).toEqual(Array(count).fill('online'));

    // every machine changes at once, as when the list is reloaded after a lost link
    act(() => services.machines.getState().replace(Array.from({ length: count }, (_, i) => machine(i, 'stale'))));
    expect(states()).toEqual(Array(count).fill('online'));
    const ran = runFrames();
    expect(states()).toEqual(Array(count).fill('stale'));
    // the pacer draws a share of them a frame (its rate and its 4 ms budget): 100 tiles take more than one frame
    expect(ran).toBeGreaterThan(1);

    // a machine that is gone leaves the grid at once
    act(() => services.machines.getState().remove(['m0']));
    expect(container.querySelector('[data-machine-id="m0"]')).toBeNull();
    expect(container.querySelectorAll('[data-testid="machine-tile"]')).toHaveLength(count - 1);
  });
});
