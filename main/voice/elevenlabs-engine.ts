/**
 * ElevenLabs through its SDK. Only used with an API key; `baseUrl` points it elsewhere (the tests'
 * fake server, or a plant's proxy). MP3 at 64 kbit/s keeps a phrase near 8 kB a second on the wire.
 */
import type { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import type { VoiceStyle } from '../../common/contract-voice';
import type { SpeechAudio, SpeechEngine } from './engine';

export interface ElevenLabsOptions {
  apiKey: string;
  voiceId: string;
  modelId: string;
  baseUrl?: string;
  timeoutMs?: number;
}

const OUTPUT_FORMAT = 'mp3_44100_64';
const BITS_PER_SECOND = 64_000;

export class ElevenLabsEngine implements SpeechEngine {
  readonly id = 'elevenlabs';
  readonly voice: string;
  readonly format: string;
  /** The SDK takes about 0.7 s of CPU to load: it is loaded when a key is configured, not on every start. */
  private readonly client: Promise<ElevenLabsClient>;

  constructor(private readonly options: ElevenLabsOptions) {
    this.voice = options.voiceId;
    this.format = `${options.modelId}/${OUTPUT_FORMAT}`;
    // No retries: a phrase that is late is spoken by the offline voice instead (FallbackEngine).
    this.client = import('@elevenlabs/elevenlabs-js').then(
      ({ ElevenLabsClient }) => new ElevenLabsClient({ apiKey: options.apiKey, baseUrl: options.baseUrl, maxRetries: 0, timeoutInSeconds: (options.timeoutMs ?? 10_000) / 1000 }),
    );
    // A failed load surfaces in synthesize(); until then it is not an unhandled rejection.
    this.client.catch(() => undefined);
  }

  async synthesize(text: string, style: VoiceStyle): Promise<SpeechAudio> {
    const client = await this.client;
    const stream = await client.textToSpeech.convert(this.options.voiceId, {
      text,
      modelId: this.options.modelId,
      outputFormat: OUTPUT_FORMAT,
      // The service accepts speeds 0.7-1.2; a less stable voice sounds more urgent.
      voiceSettings: { speed: Math.min(1.2, Math.max(0.7, style.rate)), stability: style.pitch > 0.6 ? 0.35 : 0.6, similarityBoost: 0.75 },
    });
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of stream) {
      chunks.push(chunk);
      length += chunk.byteLength;
    }
    if (length === 0) throw new Error('ElevenLabs returned no audio');
    const bytes = new Uint8Array(length);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
    return { bytes, mime: 'audio/mpeg', durationMs: (length * 8 * 1000) / BITS_PER_SECOND, engine: this.id, cached: false };
  }
}
