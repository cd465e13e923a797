// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { VoiceEvent, VoicePriority } from '../../../common/contract-voice';
import { MAX_QUEUED, VoicePlayer, type AudioLike, type VoicePlayerDeps } from './voice-player';

class FakeAudio implements AudioLike {
  src = '';
  volume = 1;
  paused = true;
  private listeners: Record<string, (() => void)[]> = {};
  constructor(private readonly refuse: () => Error | null) {}
  play = vi.fn(async () => {
    const error = this.refuse();
    if (error) throw error;
    this.paused = false;
  });
  pause = vi.fn(() => void (this.paused = true));
  addEventListener(type: string, listener: () => void) {
    (this.listeners[type] ??= []).push(listener);
  }
  end() {
    this.listeners['ended']?.forEach((l) => l());
  }
}

const speak = (id: string, priority: VoicePriority, over: Partial<Extract<VoiceEvent, { kind: 'speak' }>> = {}): VoiceEvent => ({
  kind: 'speak',
  id,
  text: `phrase ${id}`,
  priority,
  alarmIds: [id],
  interrupt: false,
  style: { rate: 1, pitch: 0.5, volume: 0.8 },
  mime: 'audio/wav',
  audioBase64: 'UklGRg==',
  ...over,
});

function setup(speech = true) {
  const audios: FakeAudio[] = [];
  let refusal: Error | null = null;
  const spoken: SpeechSynthesisUtterance[] = [];
  const blocked: boolean[] = [];
  const deps: VoicePlayerDeps = {
    createAudio: () => {
      const a = new FakeAudio(() => refusal);
      audios.push(a);
      return a;
    },
    speech: speech ? { speak: (u) => spoken.push(u), cancel: vi.fn() } : null,
    createUtterance: (text) => ({ text, rate: 1, pitch: 1, volume: 1, onend: null, onerror: null }) as unknown as SpeechSynthesisUtterance,
    onBlocked: (b) => blocked.push(b),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  const player = new VoicePlayer(deps);
  return { player, audios, spoken, blocked, deps, refuse: (e: Error | null) => (refusal = e) };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('VoicePlayer', () => {
  it('plays one phrase at a time, most urgent next, with the volume of its priority', async () => {
    const { player, audios } = setup();
    player.receive(speak('a', 'low'));
    player.receive(speak('b', 'low'));
    player.receive(speak('c', 'high'));
    expect(audios).toHaveLength(1);
    expect(audios[0]).toMatchObject({ src: 'data:audio/wav;base64,UklGRg==', volume: 0.8 });
    expect(audios[0]!.play).toHaveBeenCalled();
    audios[0]!.end();
    audios[1]!.end();
    expect(audios.map((a) => a.src.length > 0)).toEqual([true, true, true]);
    player.dispose();
  });

  it('cuts a lesser phrase for an interrupting critical one and keeps the rest queued', () => {
    const { player, audios } = setup();
    player.receive(speak('a', 'medium'));
    player.receive(speak('b', 'low'));
    player.receive(speak('k', 'critical', { interrupt: true }));
    expect(audios[0]!.pause).toHaveBeenCalled();
    expect(audios).toHaveLength(2);
    audios[1]!.end();
    expect(audios).toHaveLength(3);
    player.dispose();
  });

  it('goes silent on acknowledgement: stops the playing phrase and drops queued ones of that alarm', () => {
    const { player, audios } = setup();
    player.receive(speak('a', 'high'));
    player.receive(speak('b', 'low'));
    player.receive(speak('c', 'low', { alarmIds: ['b', 'c'] }));
    player.receive({ kind: 'silence', alarmIds: ['b'] });
    player.receive({ kind: 'silence', alarmIds: ['a'] });
    expect(audios[0]!.pause).toHaveBeenCalled();
    expect(audios).toHaveLength(2);
    player.dispose();
  });

  it('speaks with the OS voice when no audio came, with rate, pitch and volume', () => {
    const { player, spoken } = setup();
    player.receive(speak('a', 'critical', { mime: null, audioBase64: null, style: { rate: 0.9, pitch: 0.7, volume: 1 } }));
    expect(spoken).toHaveLength(1);
    expect(spoken[0]).toMatchObject({ text: 'phrase a', rate: 0.9, pitch: 1.4, volume: 1 });
    player.dispose();
  });

  it('holds phrases while autoplay is refused and plays them after a click', async () => {
    const { player, audios, blocked, refuse } = setup();
    refuse(Object.assign(new Error('play() failed because the user did not interact'), { name: 'NotAllowedError' }));
    player.receive(speak('a', 'high'));
    await flush();
    expect(blocked).toEqual([true]);
    player.receive(speak('b', 'high'));
    expect(audios).toHaveLength(1);
    refuse(null);
    player.unlock();
    expect(blocked).toEqual([true, false]);
    expect(audios).toHaveLength(2);
    expect(audios[1]!.src).toContain('UklGRg');
    player.dispose();
  });

  it('keeps a bounded backlog while autoplay is refused, dropping the least urgent phrase that waited longest', async () => {
    const { player, audios, refuse } = setup();
    refuse(Object.assign(new Error('refused'), { name: 'NotAllowedError' }));
    player.receive(speak('critical', 'critical', { audioBase64: 'critical' }));
    await flush();
    for (let i = 0; i < MAX_QUEUED + 4; i++) player.receive(speak(`low${i}`, 'low', { audioBase64: `low${i}` }));
    refuse(null);
    player.unlock();
    for (let i = 1; i < audios.length; i++) audios[i]!.end();
    const played = audios.slice(1).map((a) => a.src.split(',')[1]);
    expect(played).toEqual(['critical', ...Array.from({ length: MAX_QUEUED - 1 }, (_, i) => `low${i + 5}`)]);
    player.dispose();
  });

  it('moves on after a phrase that never ends', () => {
    vi.useFakeTimers();
    try {
      const { player, audios } = setup();
      player.receive(speak('a', 'high'));
      player.receive(speak('b', 'high'));
      vi.advanceTimersByTime(30_000);
      expect(audios).toHaveLength(2);
      player.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});
