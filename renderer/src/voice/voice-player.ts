/**
 * Plays what the main process announces, one phrase at a time, most urgent first. Audio comes
 * synthesised over the contract; a phrase without audio is spoken by the browser's own voice (the
 * OS voices on Windows and macOS). An acknowledgement silences whatever speaks only of that alarm.
 */
import type { VoiceEvent, VoicePriority } from '../../../common/contract-voice';

type SpeakEvent = Extract<VoiceEvent, { kind: 'speak' }>;

/** The part of HTMLAudioElement the player uses. */
export interface AudioLike {
  src: string;
  volume: number;
  play(): Promise<void>;
  pause(): void;
  addEventListener(type: 'ended' | 'error', listener: () => void): void;
}

/** The part of window.speechSynthesis the player uses. */
export interface SpeechLike {
  speak(utterance: SpeechSynthesisUtterance): void;
  cancel(): void;
}

export interface VoicePlayerDeps {
  createAudio(): AudioLike;
  /** null where the browser has no speech synthesis. */
  speech: SpeechLike | null;
  createUtterance(text: string): SpeechSynthesisUtterance;
  /** Autoplay was refused until the user interacts with the page (true), or works again (false). */
  onBlocked(blocked: boolean): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const RANK: Record<VoicePriority, number> = { critical: 0, high: 1, medium: 2, low: 3, diagnostic: 4 };
/** A phrase whose end never comes (a broken file, a stuck device) must not mute every later alarm. */
const MAX_PHRASE_MS = 30_000;
/**
 * Refused autoplay holds phrases until someone clicks, which may be hours on an unattended wallboard,
 * and a phrase can carry half a megabyte of audio. Past this many, the backlog is old news anyway.
 */
export const MAX_QUEUED = 16;

export function browserVoiceDeps(win: Window, onBlocked: (blocked: boolean) => void): VoicePlayerDeps {
  return {
    createAudio: () => new Audio(),
    speech: 'speechSynthesis' in win ? win.speechSynthesis : null,
    createUtterance: (text) => new SpeechSynthesisUtterance(text),
    onBlocked,
    setTimeout: (fn, ms) => win.setTimeout(fn, ms),
    clearTimeout: (handle) => win.clearTimeout(handle as number),
  };
}

export class VoicePlayer {
  private queue: SpeakEvent[] = [];
  private current: { event: SpeakEvent; stop(): void } | null = null;
  private blocked = false;
  private disposed = false;

  constructor(private readonly deps: VoicePlayerDeps) {}

  receive(event: VoiceEvent): void {
    if (this.disposed) return;
    if (event.kind === 'silence') return this.silence(event.alarmIds);
    if (event.interrupt && this.current) this.finish();
    this.queue.push(event);
    // Stable: equal priorities keep their order of arrival.
    this.queue.sort((a, b) => RANK[a.priority] - RANK[b.priority]);
    if (this.queue.length > MAX_QUEUED) this.dropLeastUrgent();
    this.next();
  }

  /** Called from a user gesture after autoplay was refused. */
  unlock(): void {
    this.blocked = false;
    this.deps.onBlocked(false);
    this.next();
  }

  dispose(): void {
    this.disposed = true;
    this.queue = [];
    this.finish();
  }

  private silence(alarmIds: readonly string[]): void {
    const silenced = new Set(alarmIds);
    const onlySilenced = (e: SpeakEvent) => e.alarmIds.length > 0 && e.alarmIds.every((id) => silenced.has(id));
    this.queue = this.queue.filter((e) => !onlySilenced(e));
    if (this.current && onlySilenced(this.current.event)) {
      this.finish();
      this.next();
    }
  }

  /** The least urgent phrase that has waited longest: the first of the last priority in line. */
  private dropLeastUrgent(): void {
    const rank = RANK[this.queue[this.queue.length - 1]!.priority];
    this.queue.splice(this.queue.findIndex((e) => RANK[e.priority] === rank), 1);
  }

  private finish(): void {
    const current = this.current;
    this.current = null;
    current?.stop();
  }

  private next(): void {
    if (this.current || this.blocked || this.disposed) return;
    const event = this.queue.shift();
    if (!event) return;
    let watchdog: unknown = null;
    const done = () => {
      if (this.current?.event !== event) return;
      this.finish();
      this.next();
    };
    const stopTimer = () => watchdog !== null && this.deps.clearTimeout(watchdog);
    if (event.audioBase64 !== null && event.mime !== null) {
      const audio = this.deps.createAudio();
      audio.volume = event.style.volume;
      audio.src = `data:${event.mime};base64,${event.audioBase64}`;
      audio.addEventListener('ended', done);
      audio.addEventListener('error', done);
      this.current = { event, stop: () => (stopTimer(), audio.pause()) };
      audio.play().catch((error: unknown) => {
        if (this.current?.event !== event) return;
        if (error instanceof Error && error.name === 'NotAllowedError') {
          // Autoplay refused: keep the phrase first in line until someone clicks.
          this.current = null;
          stopTimer();
          this.queue.unshift(event);
          this.blocked = true;
          this.deps.onBlocked(true);
          return;
        }
        done();
      });
    } else if (this.deps.speech) {
      const speech = this.deps.speech;
      const utterance = this.deps.createUtterance(event.text);
      utterance.rate = event.style.rate;
      utterance.pitch = event.style.pitch * 2;
      utterance.volume = event.style.volume;
      utterance.onend = done;
      utterance.onerror = done;
      this.current = { event, stop: () => (stopTimer(), speech.cancel()) };
      speech.speak(utterance);
    } else {
      return this.next();
    }
    watchdog = this.deps.setTimeout(done, MAX_PHRASE_MS);
  }
}
