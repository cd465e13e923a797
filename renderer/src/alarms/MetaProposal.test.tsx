// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EffectiveLimit, LimitSetting } from '../../../common/contract-alarms';
import { MetaProposal, proposalChanges } from './MetaProposal';
import '../test-dom';

const setting = (sensor: string, level: LimitSetting['level'], setpoint: number, enabled = true): LimitSetting => ({ sensor, level, setpoint, deadband: 1, onDelayMs: 3000, offDelayMs: 5000, reAlarmMs: 0, priority: 'high', latching: false, enabled });
const effective = (s: LimitSetting, origin: EffectiveLimit['origin'] = 'default'): EffectiveLimit => ({ ...s, origin, updatedBy: origin === 'engineer' ? 'sam' : null, updatedAt: null });

const LIMITS = [effective(setting('temperature', 'H', 80)), effective(setting('temperature', 'HH', 95)), effective(setting('pressure', 'H', 6), 'engineer'), effective(setting('speed', 'L', 100))];
const PROPOSED = [setting('temperature', 'H', 120), setting('temperature', 'HH', 95), setting('vibration', 'H', 9)];

describe('proposalChanges', () => {
  it('lists moved, removed and new defaults; leaves unchanged and engineer-edited rows out', () => {
    expect(proposalChanges(LIMITS, PROPOSED)).toEqual([
      { key: 'speed:L', sensor: 'speed', level: 'L', current: 100, proposed: null },
      { key: 'temperature:H', sensor: 'temperature', level: 'H', current: 80, proposed: 120 },
      { key: 'vibration:H', sensor: 'vibration', level: 'H', current: null, proposed: 9 },
    ]);
  });

  it('counts a disabled default as none', () => {
    expect(proposalChanges([effective(setting('t', 'H', 80, false))], [])).toEqual([]);
  });
});

describe('MetaProposal', () => {
  let container: HTMLElement;
  let root: Root;
  beforeEach(() => {
    container = document.body.appendChild(document.createElement('div'));
    root = createRoot(container);
  });
  afterEach(() => {
    act(() => root.unmount());
    container.remove();
  });

  it('shows the changes and lets a supervisor accept them', () => {
    const onAccept = vi.fn();
    act(() => root.render(<MetaProposal limits={LIMITS} proposed={PROPOSED} canAccept busy={false} onAccept={onAccept} />));
    const rows = [...container.querySelectorAll('[data-testid="meta-proposal-row"]')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['speed', 'L', '100', 'removed'],
      ['temperature', 'H', '80', '120'],
      ['vibration', 'H', '—', '9'],
    ]);
    act(() => (container.querySelector('[data-testid="meta-accept"]') as HTMLButtonElement).click());
    expect(onAccept).toHaveBeenCalledTimes(1);
  });

  it('offers no accept button to a role that may not accept', () => {
    act(() => root.render(<MetaProposal limits={LIMITS} proposed={PROPOSED} canAccept={false} busy={false} onAccept={vi.fn()} />));
    expect(container.querySelector('[data-testid="meta-accept"]')).toBeNull();
    expect(container.textContent).toContain('by a supervisor');
  });
});
