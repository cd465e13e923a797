/**
 * models/manifest.json: what each model file is, its sha256, its tensors with units, how it was
 * trained and how it scored. The app trusts a model file only when its bytes hash to the manifest's
 * value, so a file swapped or corrupted on disk is caught before it can score anything.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const TensorSpecSchema = z.object({
  name: z.string(),
  /** Symbolic dimensions are strings (N = batch). */
  shape: z.array(z.union([z.number().int(), z.string()])),
  unit: z.string(),
  description: z.string(),
});

export const ModelEntrySchema = z.object({
  file: z.string().regex(/^[\w.-]+\.onnx$/, 'a file name inside models/'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  version: z.string(),
  inputs: z.array(TensorSpecSchema).min(1),
  outputs: z.array(TensorSpecSchema).min(1),
  training: z.object({ data: z.string(), command: z.string(), seeds: z.array(z.number().int()) }),
  evaluation: z.record(z.string(), z.unknown()).nullable(),
  /** Model-specific constants the app needs around the graph (windows, normalisation, classes). */
  params: z.record(z.string(), z.unknown()),
});
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

export const ManifestSchema = z.object({
  manifestVersion: z.literal(1),
  models: z.record(z.string(), ModelEntrySchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const MODELS_DIR = join(import.meta.dirname, '../../models');

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function readManifest(dir: string): Manifest {
  return ManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
}

export type VerifiedFile = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

/** Set by the Electron build (electron.vite.config.ts) from models/manifest.json; absent when run from source. */
declare const __FB_MODEL_HASHES__: Record<string, string> | undefined;

/**
 * The models' hashes built into the packaged app. The models and their manifest lie outside app.asar
 * (onnxruntime reads files itself), so ASAR integrity does not cover them; these copies inside the
 * archive do, and a manifest edited to match a swapped model no longer matches them.
 */
export const BUILT_IN_MODEL_HASHES: Readonly<Record<string, string>> | null = typeof __FB_MODEL_HASHES__ === 'undefined' ? null : __FB_MODEL_HASHES__;

/** The model's bytes if they hash to the manifest's sha256 (and that sha256 is the one built into the app, when one is). */
export function readVerified(dir: string, entry: ModelEntry, builtIn: Readonly<Record<string, string>> | null = BUILT_IN_MODEL_HASHES): VerifiedFile {
  if (builtIn && builtIn[entry.file] !== entry.sha256) return { ok: false, reason: `the manifest's sha256 of ${entry.file} is not the one built into this app (${(builtIn[entry.file] ?? 'none').slice(0, 12)}…): the models folder was changed after packaging` };
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(dir, entry.file));
  } catch (err) {
    return { ok: false, reason: `cannot read ${entry.file}: ${(err as Error).message}` };
  }
  const actual = sha256(bytes);
  if (actual !== entry.sha256) return { ok: false, reason: `${entry.file} sha256 ${actual.slice(0, 12)}… does not match the manifest (${entry.sha256.slice(0, 12)}…)` };
  return { ok: true, bytes };
}
