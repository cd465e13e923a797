/**
 * The offline voice: the espeak-ng program, run per phrase (about 50 ms here). It needs nothing from
 * the network. It runs as a separate program rather than being linked in, which keeps its GPL-3.0
 * licence apart from the app's own code (see main/voice/README.md).
 */
import { spawn } from 'node:child_process';
import type { VoiceStyle } from '../../common/contract-voice';
import type { SpeechAudio, SpeechEngine } from './engine';
import { sealWav } from './wav';

export interface EspeakOptions {
  /** The program; a bare name is looked up on PATH. */
  command: string;
  /** An espeak-ng voice: "en", "en-gb", "de". */
  voice: string;
  timeoutMs?: number;
}

const BASE_WPM = 165;

export class EspeakEngine implements SpeechEngine {
  readonly id = 'espeak-ng';
  readonly voice: string;
  readonly format = 'wav';
  private readonly timeoutMs: number;

  constructor(private readonly options: EspeakOptions) {
    this.voice = options.voice;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  synthesize(text: string, style: VoiceStyle): Promise<SpeechAudio> {
    // Text goes in on stdin: as an argument, a phrase starting with "-" would be read as an option.
    const args = ['--stdout', '--stdin', '-v', this.voice, '-s', String(Math.round(BASE_WPM * style.rate)), '-p', String(Math.round(style.pitch * 99))];
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => child.kill(), this.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`espeak-ng could not run (${this.options.command}): ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) return reject(new Error(`espeak-ng failed (${signal ?? `exit ${code}`}): ${err.trim().slice(0, 200)}`));
        try {
          const { bytes, info } = sealWav(Buffer.concat(out));
          resolve({ bytes, mime: 'audio/wav', durationMs: info.durationMs, engine: this.id, cached: false });
        } catch (e) {
          reject(new Error(`espeak-ng wrote no usable audio: ${(e as Error).message}`));
        }
      });
      child.stdin.on('error', () => {
        // A program that died early closes its stdin; 'close' above reports why.
      });
      child.stdin.end(text);
    });
  }
}
