import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../common/contract-agents';
import type { VoicePriority } from '../../../common/contract-voice';
import { spokenText } from '../../voice/spoken-text';
import { createRepairGuide } from './repair-guide';

const ticket = (over: Partial<Ticket>): Ticket => ({
  id: 12,
  machineId: 'P-01',
  title: 'Bearing overheating on P-01',
  description: '',
  status: 'open',
  priority: 'critical',
  assignee: null,
  reporter: 'agent:maintenance',
  failureType: 'overheating',
  repairSteps: ['Isolate and lock out the machine (LOTO); verify zero energy.', 'Check that the bearing stays below 95 °C and vibration below 4.5 mm/s at 1480 rpm.', 'Run up and watch the temperature settle.'],
  costEstimate: null,
  actualCost: null,
  createdAt: 0,
  updatedAt: 0,
  closedAt: null,
  decisionId: null,
  ...over,
});

function guideFor(t: Ticket, voiceOn = { value: true }) {
  const said: [string, VoicePriority][] = [];
  const guide = createRepairGuide({
    ticket: (id) => (id === t.id ? t : (() => { throw new Error(`no ticket #${id}`); })()),
    say: (text, priority) => {
      if (!voiceOn.value) throw new Error('the voice is turned off');
      said.push([text, priority]);
    },
  });
  return { guide, said };
}

describe('spoken repair steps', () => {
  it('says every value with its unit in words, and abbreviations as words', () => {
    expect(spokenText('Check that the bearing stays below 95 °C and vibration below 4.5 mm/s at 1480 rpm.')).toBe('Check that the bearing stays below 95 degrees Celsius and vibration below 4.5 millimetres per second at 1480 R P M.');
    expect(spokenText('Motor current 12,5 A at 400 V; 7.5 kW, 3 bar, 90 %, 2 kWh.')).toBe('Motor current 12.5 amperes at 400 volts; 7.5 kilowatts, 3 bar, 90 percent, 2 kilowatt hours.');
    expect(spokenText('Isolate and lock out the machine (LOTO); wear PPE.')).toBe('Isolate and lock out the machine; wear protective equipment.');
    // Letters that are not units after a number stay as written.
    expect(spokenText('Replace filter 2A-17 and step 3 of the SOP.')).toBe('Replace filter 2A-17 and step 3 of the SOP.');
  });

  it('reads the steps one at a time at the ticket priority: start, repeat, next, past the last', () => {
    const { guide, said } = guideFor(ticket({}));
    expect(guide.act(12, 'start')).toMatchObject({ step: 1, total: 3, done: false });
    expect(said[0]).toEqual(['Repair steps for ticket 12, Bearing overheating on P-01. 3 steps. Step 1 of 3: Isolate and lock out the machine; verify zero energy.', 'critical']);
    expect(guide.act(12, 'repeat')).toMatchObject({ step: 1, text: 'Step 1 of 3: Isolate and lock out the machine; verify zero energy.' });
    expect(guide.act(12, 'next').text).toBe('Step 2 of 3: Check that the bearing stays below 95 degrees Celsius and vibration below 4.5 millimetres per second at 1480 R P M.');
    expect(guide.act(12, 'next')).toMatchObject({ step: 3 });
    expect(guide.act(12, 'next')).toMatchObject({ step: null, done: true, text: 'That was the last step of ticket 12. Close the ticket once the machine runs normally.' });
    expect(() => guide.act(12, 'next')).toThrow(/are not being read; start them first/);
    expect(said.map(([, p]) => p)).toEqual(['critical', 'critical', 'critical', 'critical', 'critical']);
  });

  it('stops where it is, speaks a low-priority ticket quietly, and refuses a ticket without steps', () => {
    const { guide, said } = guideFor(ticket({ priority: 'low' }));
    guide.act(12, 'start');
    guide.act(12, 'next');
    expect(guide.act(12, 'stop')).toMatchObject({ done: true, step: null, text: 'Repair steps of ticket 12 stopped at step 2 of 3.' });
    expect(said.every(([, p]) => p === 'low')).toBe(true);
    expect(() => guide.act(12, 'repeat')).toThrow(/start them first/);
    const empty = guideFor(ticket({ id: 13, repairSteps: [] }));
    expect(() => empty.guide.act(13, 'start')).toThrow('ticket #13 has no repair steps to read; add the steps to the ticket first');
    expect(empty.said).toEqual([]);
  });

  it('keeps its place when the voice is off, so nothing is skipped', () => {
    const voiceOn = { value: true };
    const { guide } = guideFor(ticket({}), voiceOn);
    guide.act(12, 'start');
    voiceOn.value = false;
    expect(() => guide.act(12, 'next')).toThrow(/turned off/);
    voiceOn.value = true;
    expect(guide.act(12, 'next')).toMatchObject({ step: 2 });
  });
});
