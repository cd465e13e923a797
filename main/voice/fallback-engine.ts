/**
 * ElevenLabs when it answers in time, the offline voice when it does not. A phrase that the
 * primary is late with is spoken offline now, while the primary finishes in the background and
 * fills the cache for next time. After a failure the primary rests for a while, so that a plant
 * without internet does not pay a connection timeout on every alarm.
 */
import type { VoiceStyle } from '../../common/contract-voice';
import type { SpeechAudio, SpeechEngine } from './engine';
import type { WallMs } from '../../common/time';

export interface FallbackOptions {
  /** How long the primary may take before the secondary speaks instead. */
  budgetMs: number;
  /** How long the primary is skipped after it failed. */
  restMs: number;
  now(): WallMs;
  onPrimaryError(error: Error): void;
}

export class FallbackEngine implements SpeechEngine {
  readonly id: string;
  readonly voice: string;
  readonly format: string;
  private restingUntil = -Infinity;

  constructor(
    private readonly primary: SpeechEngine,
    private readonly secondary: SpeechEngine,
    private readonly options: FallbackOptions,
  ) {
    this.id = primary.id;
    this.voice = primary.voice;
    this.format = primary.format;
  }

  async synthesize(text: string, style: VoiceStyle): Promise<SpeechAudio> {
    if (this.options.now() < this.restingUntil) return this.secondary.synthesize(text, style);
    const attempt = this.primary.synthesize(text, style).catch((error: Error) => {
      this.restingUntil = this.options.now() + this.options.restMs;
      this.options.onPrimaryError(error);
      return null;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), this.options.budgetMs)));
    const audio = await Promise.race([attempt, late]);
    clearTimeout(timer);
    return audio ?? this.secondary.synthesize(text, style);
  }
}
