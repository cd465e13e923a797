import { describe, expect, it } from 'vitest';
import type { VoiceEvent, VoiceLogEntry } from '../../common/contract-voice';
import type { Clock } from '../clock';
import { Announcer } from './announcer';
import type { SpeechEngine } from './engine';
import { DEFAULT_POLICY, VoiceSchedule } from './schedule';
import type { VoiceAlarm } from './voice-alarm';

/** Time moves only when the test says so; due timers run in order. */
class FakeClock implements Clock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    this.timers.set(++this.next, { at: this.t + ms, fn });
    return this.next;
  };
  clearTimeout = (handle: unknown) => void this.timers.delete(handle as number);
  async advance(ms: number, announcer: Announcer) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await announcer.idle();
    }
    this.t = end;
  }
}

const alarm = (id: string, over: Partial<VoiceAlarm> = {}): VoiceAlarm => ({ alarmId: id, machineId: id, machineName: id, area: 'line1', priority: 'high', message: 'pressure low', eventTs: 0, ...over });

function setup(engine?: Partial<SpeechEngine>) {
  const clock = new FakeClock();
  const events: VoiceEvent[] = [];
  const log: Omit<VoiceLogEntry, 'id'>[] = [];
  const messages: string[] = [];
  const spoken: string[] = [];
  const fake: SpeechEngine = {
    id: 'fake',
    voice: 'v',
    format: 'wav',
    synthesize: async (text) => {
      spoken.push(text);
      return { bytes: new Uint8Array([82, 73, 70, 70]), mime: 'audio/wav', durationMs: 2000, engine: 'fake', cached: false };
    },
    ...engine,
  };
  const announcer = new Announcer({ schedule: new VoiceSchedule({ ...DEFAULT_POLICY, repeatCriticalMs: 60_000 }), engine: () => fake, emit: (e) => events.push(e), record: (e) => log.push(e), clock, log: (m) => messages.push(m) });
  return { clock, events, log, messages, spoken, announcer };
}

describe('Announcer', () => {
  it('synthesises, sends and logs a phrase at once, then the next when the first has played', async () => {
    const { clock, events, log, spoken, announcer } = setup();
    announcer.announce(alarm('A'));
    announcer.announce(alarm('B'));
    await announcer.idle();
    expect(events).toEqual([expect.objectContaining({ kind: 'speak', text: 'Machine A pressure low.', priority: 'high', alarmIds: ['A'], mime: 'audio/wav', audioBase64: 'UklGRg==', interrupt: false })]);
    expect(log).toEqual([expect.objectContaining({ at: 0, engine: 'fake', latencyMs: 0, durationMs: 2000, error: null, alarmIds: ['A'] })]);
    await clock.advance(2000 + DEFAULT_POLICY.gapMs - 1, announcer);
    expect(spoken).toHaveLength(1);
    await clock.advance(1, announcer);
    expect(spoken).toEqual(['Machine A pressure low.', 'Machine B pressure low.']);
    expect(log[1]).toMatchObject({ latencyMs: 2500 });
  });

  it('repeats an unacknowledged critical alarm and goes silent on acknowledgement', async () => {
    const { clock, events, spoken, announcer } = setup();
    announcer.announce(alarm('K', { priority: 'critical' }));
    await announcer.idle();
    await clock.advance(60_000, announcer);
    expect(spoken).toHaveLength(2);
    expect(spoken[1]).toMatch(/^Unacknowledged\./);
    announcer.acknowledged('K');
    expect(events.at(-1)).toEqual({ kind: 'silence', alarmIds: ['K'] });
    await clock.advance(600_000, announcer);
    expect(spoken).toHaveLength(2);
  });

  it('does not send a phrase whose alarm was acknowledged while it was being synthesised', async () => {
    let release: () => void = () => {};
    const { events, announcer } = setup({
      synthesize: () => new Promise((resolve) => (release = () => resolve({ bytes: new Uint8Array(1), mime: 'audio/wav', durationMs: 1000, engine: 'fake', cached: false }))),
    });
    announcer.announce(alarm('A'));
    announcer.acknowledged('A');
    release();
    await announcer.idle();
    expect(events).toEqual([{ kind: 'silence', alarmIds: ['A'] }]);
  });

  it('sends the text alone when no engine can speak, and says why once', async () => {
    const { clock, events, log, messages, announcer } = setup({
      synthesize: async () => {
        throw new Error('espeak-ng could not run (espeak-ng): spawn espeak-ng ENOENT');
      },
    });
    announcer.announce(alarm('A'));
    announcer.announce(alarm('B'));
    await announcer.idle();
    await clock.advance(10_000, announcer);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ kind: 'speak', mime: null, audioBase64: null, text: 'Machine A pressure low.' });
    expect(log[0]).toMatchObject({ engine: null, error: expect.stringContaining('ENOENT') });
    expect(messages).toHaveLength(1);
  });

  it('stops waking up once stopped', async () => {
    const { clock, spoken, announcer } = setup();
    announcer.announce(alarm('K', { priority: 'critical' }));
    await announcer.idle();
    announcer.stop();
    await clock.advance(600_000, announcer);
    expect(spoken).toHaveLength(1);
  });
});
