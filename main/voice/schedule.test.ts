import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, VoiceSchedule, type VoicePolicy } from './schedule';
import type { VoiceAlarm } from './voice-alarm';

const alarm = (id: string, over: Partial<VoiceAlarm> = {}): VoiceAlarm => ({
  alarmId: id,
  machineId: id.toLowerCase(),
  machineName: id,
  area: 'line3',
  priority: 'high',
  message: 'bearings overheating',
  sensor: 'temperature',
  value: 95,
  unit: '°C',
  eventTs: 0,
  ...over,
});

const schedule = (policy: Partial<VoicePolicy> = {}) => new VoiceSchedule({ ...DEFAULT_POLICY, ...policy });

/** Takes and immediately plays for `ms`, as the announcer does with real audio. */
function speak(s: VoiceSchedule, now: number, ms = 3000) {
  const u = s.take(now);
  if (u) s.started(now, ms);
  return u;
}

describe('VoiceSchedule', () => {
  it('speaks one alarm at once with its full phrase', () => {
    const s = schedule();
    expect(s.announce(alarm('M014'), 0)).toBe('queued');
    expect(speak(s, 0)).toMatchObject({ kind: 'alarm', text: 'Machine M014 bearings overheating. Current temperature: 95 degrees Celsius.', alarmIds: ['M014'], interrupt: false, queuedAt: 0 });
    expect(s.take(1)).toBeNull();
  });

  it('orders by priority, then by arrival, and waits for the room to be quiet', () => {
    const s = schedule();
    s.announce(alarm('A', { priority: 'low' }), 0);
    speak(s, 0, 2000);
    s.announce(alarm('B', { priority: 'medium' }), 10);
    s.announce(alarm('C', { priority: 'high' }), 20);
    s.announce(alarm('D', { priority: 'high' }), 30);
    expect(s.take(100)).toBeNull();
    expect(s.wakeAt(100)).toBe(2000 + DEFAULT_POLICY.gapMs);
    expect(speak(s, 2500)?.alarmIds).toEqual(['C']);
    expect(speak(s, 6000)?.alarmIds).toEqual(['D']);
    expect(speak(s, 9500)?.alarmIds).toEqual(['B']);
  });

  it('lets a critical alarm interrupt a lesser phrase but not another critical one', () => {
    const s = schedule();
    s.announce(alarm('A', { priority: 'medium' }), 0);
    speak(s, 0, 5000);
    s.announce(alarm('B', { priority: 'critical' }), 100);
    expect(speak(s, 100, 5000)).toMatchObject({ alarmIds: ['B'], interrupt: true, text: expect.stringMatching(/^Critical alarm\. Machine B/) });
    s.announce(alarm('C', { priority: 'critical' }), 200);
    expect(s.take(200)).toBeNull();
    expect(speak(s, 5600)).toMatchObject({ alarmIds: ['C'], interrupt: false });
  });

  it('de-duplicates a queued alarm into its newest value and holds back chatter after speaking', () => {
    const s = schedule({ dedupeMs: 30_000 });
    s.announce(alarm('A', { priority: 'low' }), 0);
    speak(s, 0, 10_000);
    s.announce(alarm('B', { value: 90 }), 1);
    expect(s.announce(alarm('B', { value: 97 }), 2)).toBe('updated');
    expect(speak(s, 10_500)?.text).toContain('97 degrees');
    expect(s.announce(alarm('B'), 20_000)).toBe('duplicate');
    expect(s.announce(alarm('B'), 41_000)).toBe('queued');
  });

  it('says identical words for two alarm ids only once within the window', () => {
    const s = schedule();
    s.announce(alarm('X', { alarmId: 'x1' }), 0);
    s.announce(alarm('X', { alarmId: 'x2', eventTs: 5 }), 1);
    expect(speak(s, 0)?.alarmIds).toEqual(['x1']);
    expect(s.take(10_000)).toBeNull();
    expect(s.size).toBe(0);
  });

  it('drops priorities below the minimum', () => {
    const s = schedule({ minPriority: 'medium' });
    expect(s.announce(alarm('A', { priority: 'low' }), 0)).toBe('below_min_priority');
    expect(s.announce(alarm('B', { priority: 'diagnostic' }), 0)).toBe('below_min_priority');
    expect(s.take(0)).toBeNull();
  });

  it('summarises a flood on one line, naming the highest alarm', () => {
    const s = schedule({ floodThreshold: 4 });
    s.announce(alarm('M1', { priority: 'low' }), 0);
    speak(s, 0, 3000);
    for (let i = 0; i < 11; i++) s.announce(alarm(`M${i + 2}`, { priority: 'medium', area: 'line3' }), 100 + i);
    s.announce(alarm('P-07', { machineName: 'press P-07', priority: 'high', area: 'line3', message: 'hydraulic pressure low' }), 200);
    s.announce(alarm('Q', { priority: 'medium', area: 'line4' }), 300);
    const u = speak(s, 3500);
    expect(u).toMatchObject({ kind: 'flood', text: '12 new alarms on line 3; highest: press P-07 hydraulic pressure low.', priority: 'high', queuedAt: 100 });
    expect(u!.alarmIds).toHaveLength(12);
    expect(speak(s, 7000)?.alarmIds).toEqual(['Q']);
  });

  it('summarises a flood spread over areas as one phrase', () => {
    const s = schedule({ floodThreshold: 3 });
    s.announce(alarm('A', { priority: 'low' }), 0);
    speak(s, 0);
    for (const area of ['line1', 'line2', 'line3']) s.announce(alarm(area, { area }), 1);
    expect(speak(s, 4000)?.text).toMatch(/^3 new alarms in 3 areas; highest: machine line1 /);
  });

  it('rate-limits phrases per minute except critical ones', () => {
    const s = schedule({ maxPerMinute: 2, floodThreshold: 100 });
    for (const id of ['A', 'B', 'C']) s.announce(alarm(id), 0);
    expect(speak(s, 0, 1000)?.alarmIds).toEqual(['A']);
    expect(speak(s, 2000, 1000)?.alarmIds).toEqual(['B']);
    expect(s.take(4000)).toBeNull();
    expect(s.wakeAt(4000)).toBe(60_000);
    s.announce(alarm('K', { priority: 'critical' }), 5000);
    expect(speak(s, 5000, 1000)?.alarmIds).toEqual(['K']);
    // The critical phrase still counts towards the minute that lesser ones share.
    expect(speak(s, 60_000)).toBeNull();
    expect(s.wakeAt(60_000)).toBe(62_000);
    expect(speak(s, 62_000)?.alarmIds).toEqual(['C']);
  });

  it('repeats an unacknowledged critical alarm and stops on acknowledgement', () => {
    const s = schedule({ repeatCriticalMs: 180_000 });
    s.announce(alarm('K', { priority: 'critical' }), 0);
    speak(s, 0);
    expect(s.wakeAt(10)).toBe(180_000);
    expect(s.take(179_999)).toBeNull();
    expect(speak(s, 180_000)).toMatchObject({ kind: 'reminder', text: expect.stringMatching(/^Unacknowledged\. Critical alarm\. Machine K/), queuedAt: 180_000 });
    expect(s.wakeAt(180_001)).toBe(360_000);
    s.acknowledged('K', 200_000);
    expect(s.take(400_000)).toBeNull();
    expect(s.wakeAt(400_000)).toBeNull();
  });

  it('groups reminders that fall due together', () => {
    const s = schedule({ repeatCriticalMs: 60_000, floodThreshold: 100 });
    s.announce(alarm('K1', { priority: 'critical' }), 0);
    s.announce(alarm('K2', { priority: 'critical' }), 0);
    speak(s, 0, 1000);
    speak(s, 2000, 1000);
    expect(speak(s, 70_000)).toMatchObject({ kind: 'reminder', text: '2 critical alarms unacknowledged; highest: machine K1 bearings overheating.', alarmIds: ['K1', 'K2'] });
  });

  it('stops a cleared alarm from being spoken or reminded', () => {
    const s = schedule({ repeatCriticalMs: 60_000 });
    s.announce(alarm('A', { priority: 'low' }), 0);
    speak(s, 0);
    s.announce(alarm('K', { priority: 'critical' }), 1);
    s.announce(alarm('B'), 1);
    s.cleared('B');
    speak(s, 1);
    s.cleared('K');
    expect(s.take(100_000)).toBeNull();
    expect(s.wakeAt(100_000)).toBeNull();
  });

  it('frees the room when every alarm of the playing phrase is acknowledged', () => {
    const s = schedule();
    s.announce(alarm('A'), 0);
    s.announce(alarm('B', { priority: 'low' }), 0);
    const u = speak(s, 0, 8000)!;
    expect(s.acknowledged('other', 100)).toBe(false);
    expect(s.acknowledged('A', 100)).toBe(true);
    expect(s.stillWanted(u)).toBe(false);
    expect(speak(s, 100)?.alarmIds).toEqual(['B']);
  });

  it('an acknowledged alarm that returns is spoken again', () => {
    const s = schedule();
    s.announce(alarm('A'), 0);
    speak(s, 0, 1000);
    s.acknowledged('A', 2000);
    expect(s.announce(alarm('A', { value: 99 }), 3000)).toBe('queued');
  });

  it('queues free text through the same turn-taking', () => {
    const s = schedule();
    s.say('This is a test.', 'high', 0);
    expect(speak(s, 0)).toMatchObject({ kind: 'text', text: 'This is a test.', alarmIds: [] });
  });
});
