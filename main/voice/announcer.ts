/**
 * Drives the schedule with real time and real engines: takes the next phrase, synthesises it,
 * sends it to the renderers and logs it, one phrase at a time, and wakes up when the schedule says
 * something falls due (end of a phrase, a rate-limit slot, a critical reminder).
 */
import { randomUUID } from 'node:crypto';
import { MAX_VOICE_AUDIO_BASE64, type VoiceEvent, type VoiceLogEntry, type VoicePriority, type VoiceStyle } from '../../common/contract-voice';
import type { Clock } from '../clock';
import type { SpeechAudio, SpeechEngine } from './engine';
import { styleFor } from './phrases';
import type { AnnounceOutcome, Utterance, VoiceSchedule } from './schedule';
import type { VoiceAlarm } from './voice-alarm';

export interface AnnouncerDeps {
  schedule: VoiceSchedule;
  /** The engine of the moment; settings can swap it between two phrases. */
  engine(): SpeechEngine;
  emit(event: VoiceEvent): void;
  record(entry: Omit<VoiceLogEntry, 'id'>): void;
  clock: Clock;
  log(message: string): void;
}

/** About 150 words a minute, for a phrase the renderer speaks with its own voice. */
const estimateMs = (text: string, style: VoiceStyle) => (text.split(/\s+/).length / 2.5 / style.rate) * 1000;

export class Announcer {
  private draining = false;
  private timer: unknown = null;
  private stopped = false;
  private lastError: string | null = null;
  /** Settles when the current drain has nothing left to say; for tests and the benchmark. */
  private drained: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AnnouncerDeps) {}

  announce(alarm: VoiceAlarm): AnnounceOutcome {
    const outcome = this.deps.schedule.announce(alarm, this.deps.clock.now());
    if (outcome === 'queued') this.pump();
    return outcome;
  }

  say(text: string, priority: VoicePriority): void {
    this.deps.schedule.say(text, priority, this.deps.clock.now());
    this.pump();
  }

  acknowledged(alarmId: string): void {
    this.deps.schedule.acknowledged(alarmId, this.deps.clock.now());
    // Renderers drop the alarm's queued phrases and cut one that speaks of nothing else.
    this.deps.emit({ kind: 'silence', alarmIds: [alarmId] });
    this.pump();
  }

  cleared(alarmId: string): void {
    this.deps.schedule.cleared(alarmId);
    this.pump();
  }

  /** Resolves once nothing is left that could be said right now. */
  idle(): Promise<void> {
    return this.drained;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private pump(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    this.drained = this.drain().finally(() => {
      this.draining = false;
      this.arm();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const utterance = this.deps.schedule.take(this.deps.clock.now());
      if (!utterance) return;
      await this.speak(utterance);
    }
  }

  private arm(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const wake = this.deps.schedule.wakeAt(now);
    if (wake === null) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, wake - now));
  }

  private async speak(u: Utterance): Promise<void> {
    const style = styleFor(u.priority);
    let audio: SpeechAudio | null = null;
    let error: string | null = null;
    try {
      audio = await this.deps.engine().synthesize(u.text, style);
    } catch (e) {
      error = (e as Error).message;
    }
    let audioBase64 = audio ? Buffer.from(audio.bytes.buffer, audio.bytes.byteOffset, audio.bytes.byteLength).toString('base64') : null;
    if (audioBase64 !== null && audioBase64.length > MAX_VOICE_AUDIO_BASE64) {
      error = `audio of ${audioBase64.length} base64 characters is over the event limit`;
      audio = null;
      audioBase64 = null;
    }
    this.report(error);
    if (!this.deps.schedule.stillWanted(u)) return;
    const now = this.deps.clock.now();
    this.deps.schedule.started(now, audio?.durationMs ?? estimateMs(u.text, style));
    this.deps.emit({ kind: 'speak', id: randomUUID(), text: u.text, priority: u.priority, alarmIds: u.alarmIds, interrupt: u.interrupt, style, mime: audio?.mime ?? null, audioBase64 });
    try {
      this.deps.record({ at: now, text: u.text, priority: u.priority, alarmIds: u.alarmIds, engine: audio?.engine ?? null, cached: audio?.cached ?? false, latencyMs: now - u.queuedAt, durationMs: audio?.durationMs ?? null, error });
    } catch (e) {
      this.deps.log(`voice log: ${(e as Error).message}`);
    }
  }

  /** Once per distinct problem: a plant without espeak-ng would otherwise log every phrase. */
  private report(error: string | null): void {
    if (error !== null && error !== this.lastError) this.deps.log(`voice: ${error}; the renderer's own voice speaks instead`);
    this.lastError = error;
  }
}
