/**
 * Synthesised phrases on disk, so that each phrase costs one synthesis (and, for ElevenLabs, one
 * paid request) and a repeat is spoken in about a millisecond, with or without network.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VoiceStyle } from '../../common/contract-voice';
import type { SpeechAudio, SpeechEngine } from './engine';

export interface AudioCacheOptions {
  dir: string;
  /** Oldest files go first beyond this; phrases carry values, so the set of phrases keeps growing. */
  maxBytes: number;
}

interface Meta {
  mime: string;
  durationMs: number;
}

const EXT: Record<string, string> = { 'audio/wav': 'wav', 'audio/mpeg': 'mp3' };
const PRUNE_EVERY = 100;

export const cacheKey = (engine: Pick<SpeechEngine, 'id' | 'voice' | 'format'>, text: string, style: VoiceStyle) =>
  createHash('sha256').update(JSON.stringify([engine.id, engine.voice, engine.format, text, style.rate, style.pitch])).digest('hex');

export class AudioCache {
  private writes = 0;

  constructor(private readonly options: AudioCacheOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.prune();
  }

  /** The engine with this cache in front of it. */
  wrap(engine: SpeechEngine): SpeechEngine {
    return {
      id: engine.id,
      voice: engine.voice,
      format: engine.format,
      synthesize: async (text, style) => {
        const key = cacheKey(engine, text, style);
        const hit = await this.read(key, engine.id);
        if (hit) return hit;
        const audio = await engine.synthesize(text, style);
        await this.write(key, audio);
        return audio;
      },
    };
  }

  private async read(key: string, engine: string): Promise<SpeechAudio | null> {
    try {
      const meta = JSON.parse(await readFile(join(this.options.dir, `${key}.json`), 'utf8')) as Meta;
      const bytes = await readFile(join(this.options.dir, `${key}.${EXT[meta.mime] ?? 'bin'}`));
      return { bytes, mime: meta.mime, durationMs: meta.durationMs, engine, cached: true };
    } catch {
      // Absent, half-written or pruned: synthesise again.
      return null;
    }
  }

  private async write(key: string, audio: SpeechAudio): Promise<void> {
    const meta: Meta = { mime: audio.mime, durationMs: audio.durationMs };
    const audioFile = join(this.options.dir, `${key}.${EXT[audio.mime] ?? 'bin'}`);
    // Audio first, metadata last, each renamed into place: a reader sees a whole entry or none.
    await writeFile(`${audioFile}.tmp`, audio.bytes);
    await rename(`${audioFile}.tmp`, audioFile);
    const metaFile = join(this.options.dir, `${key}.json`);
    await writeFile(`${metaFile}.tmp`, JSON.stringify(meta));
    await rename(`${metaFile}.tmp`, metaFile);
    if (++this.writes % PRUNE_EVERY === 0) this.prune();
  }

  private prune(): void {
    const files: { path: string; size: number; mtime: number }[] = [];
    for (const name of readdirSync(this.options.dir)) {
      const path = join(this.options.dir, name);
      // A write in flight renames its .tmp file away between the listing and here.
      const s = statSync(path, { throwIfNoEntry: false });
      if (s) files.push({ path, size: s.size, mtime: s.mtimeMs });
    }
    let total = files.reduce((sum, f) => sum + f.size, 0);
    for (const f of files.sort((a, b) => a.mtime - b.mtime)) {
      if (total <= this.options.maxBytes) break;
      unlinkSync(f.path);
      total -= f.size;
    }
  }
}
