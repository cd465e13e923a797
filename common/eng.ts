/** Engineering units and ranges: how the layers (source, machine type, machine) combine. */
import type { SensorEng } from './telemetry';

/** Field by field, later layers win: source, then the machine type's edits, then the machine's. */
export function mergeEng(...layers: (Readonly<Record<string, SensorEng>> | undefined)[]): Record<string, SensorEng> | undefined {
  let out: Record<string, SensorEng> | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    for (const [name, eng] of Object.entries(layer)) {
      out ??= {};
      const merged: SensorEng = { ...out[name] };
      for (const [k, v] of Object.entries(eng) as [keyof SensorEng, SensorEng[keyof SensorEng]][]) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
      out[name] = merged;
    }
  }
  return out;
}
