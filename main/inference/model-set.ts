/**
 * The ONNX sessions, created once at start from files whose hash matches the manifest. A model that
 * is missing, fails its hash, fails to load or fails to run is "uncertain" with the reason: callers
 * turn that into uncertain outputs and a system alarm, never into a normal reading.
 */
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { readManifest, readVerified, type ModelEntry } from './manifest';

/** Plain arrays in and out, so that no caller imports onnxruntime (see loadModels). */
export interface Float32Tensor {
  data: Float32Array;
  dims: readonly number[];
}
export type Feeds = Record<string, Float32Tensor>;
export type Fetches = Record<string, Float32Tensor>;
type Ort = typeof OrtModule;

export interface ModelStatus {
  name: string;
  version: string | null;
  state: 'ok' | 'uncertain';
  detail: string;
}

export class LoadedModel {
  private runError: string | null = null;

  constructor(
    readonly name: string,
    readonly entry: ModelEntry | null,
    private readonly session: InferenceSession | null,
    private readonly loadError: string | null,
    private readonly ort: Ort | null = null,
  ) {}

  get usable(): boolean {
    return this.session !== null;
  }

  status(): ModelStatus {
    const problem = this.loadError ?? this.runError;
    return { name: this.name, version: this.entry?.version ?? null, state: problem ? 'uncertain' : 'ok', detail: problem ?? 'loaded, hash verified' };
  }

  /** Runs the graph; a failure is remembered as this model's state until a later run succeeds. */
  async run(feeds: Feeds): Promise<Fetches> {
    if (!this.session || !this.ort) throw new Error(this.loadError ?? `${this.name} is not loaded`);
    const Tensor = this.ort.Tensor;
    try {
      // Plain loops: this runs several times per flush, and the entries arrays were most of its garbage.
      const tensors: Record<string, InstanceType<Ort['Tensor']>> = {};
      for (const name in feeds) tensors[name] = new Tensor('float32', feeds[name]!.data, feeds[name]!.dims);
      const out = await this.session.run(tensors);
      this.runError = null;
      const fetches: Fetches = {};
      for (const name in out) fetches[name] = { data: out[name]!.data as Float32Array, dims: out[name]!.dims };
      return fetches;
    } catch (err) {
      this.runError = `${this.name} failed to run: ${(err as Error).message}`;
      throw err;
    }
  }
}

export class ModelSet {
  constructor(private readonly models: ReadonlyMap<string, LoadedModel>) {}

  /** Always returns a model: one the manifest lacks comes back uncertain, saying so. */
  get(name: string): LoadedModel {
    return this.models.get(name) ?? new LoadedModel(name, null, null, `${name} is not in the model manifest`);
  }

  statuses(): ModelStatus[] {
    return [...this.models.values()].map((m) => m.status());
  }

  /** The health line: ok only when every model is. */
  health(): { state: 'ok' | 'uncertain'; detail: string } {
    const bad = this.statuses().filter((s) => s.state !== 'ok');
    if (this.models.size === 0) return { state: 'uncertain', detail: 'no model could be read from the manifest' };
    if (bad.length === 0) return { state: 'ok', detail: `${this.models.size} models loaded, hashes verified` };
    return { state: 'uncertain', detail: bad.map((s) => s.detail).join('; ') };
  }
}

let telemetryOff = false;

/** Loads every model in dir/manifest.json; never throws, so a bad model directory cannot stop the app. */
export async function loadModels(dir: string, names?: readonly string[]): Promise<ModelSet> {
  if (!telemetryOff) {
    // Must be set before onnxruntime creates its first session: an offline plant app sends nothing.
    process.env.ORT_DISABLE_TELEMETRY ??= '1';
    telemetryOff = true;
  }
  const loaded = new Map<string, LoadedModel>();
  let manifest;
  try {
    manifest = readManifest(dir);
  } catch (err) {
    for (const name of names ?? []) loaded.set(name, new LoadedModel(name, null, null, `model manifest unreadable: ${(err as Error).message.slice(0, 300)}`));
    return new ModelSet(loaded);
  }
  // Imported only after the telemetry switch is set, since loading the binding may start its environment.
  const ort = await import('onnxruntime-node');
  for (const name of names ?? Object.keys(manifest.models)) {
    const entry = manifest.models[name];
    if (!entry) {
      loaded.set(name, new LoadedModel(name, null, null, `${name} is not in the model manifest`));
      continue;
    }
    const file = readVerified(dir, entry);
    if (!file.ok) {
      loaded.set(name, new LoadedModel(name, entry, null, file.reason));
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(file.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
      loaded.set(name, new LoadedModel(name, entry, session, null, ort));
    } catch (err) {
      loaded.set(name, new LoadedModel(name, entry, null, `${entry.file} failed to load: ${(err as Error).message}`));
    }
  }
  return new ModelSet(loaded);
}
