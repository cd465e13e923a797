import type { VoiceStyle } from '../../common/contract-voice';

export interface SpeechAudio {
  bytes: Uint8Array;
  mime: string;
  durationMs: number;
  /** The engine that produced it, as named in the voice log. */
  engine: string;
  cached: boolean;
}

/**
 * One text-to-speech engine. `id`, `voice` and `format` name everything besides text and style
 * that changes the audio, so that the cache never serves a phrase in the wrong voice.
 */
export interface SpeechEngine {
  readonly id: string;
  readonly voice: string;
  readonly format: string;
  synthesize(text: string, style: VoiceStyle): Promise<SpeechAudio>;
}
