/**
 * Units and ranges kept in the settings table: what each machine's source last published (so an
 * export or report made while the broker is away still has units) and the engineers' edits per
 * machine type and per machine. They travel with backups because they live in the database.
 */
import { z } from 'zod';
import { EngOverridesSchema, type EngOverridesDto } from '../../common/contract-eng';
import { mergeEng } from '../../common/eng';
import { SensorEngSchema, type SensorEng } from '../../common/telemetry';
import type { Db } from './open-database';
import { prepared } from './prepared';
import { settingsRepository } from './settings';

const SOURCE_PREFIX = 'eng.source:';
const OVERRIDES_KEY = 'eng.overrides';
const PerSensor = z.record(z.string(), SensorEngSchema);
const EMPTY: EngOverridesDto = { types: {}, machines: {} };

export function engRepository(db: Db, log: (line: string) => void = () => {}) {
  const settings = settingsRepository(db);
  const sourceOf = (machineId: string, raw: unknown): Record<string, SensorEng> | undefined => {
    const parsed = PerSensor.safeParse(raw);
    if (parsed.success) return parsed.data;
    log(`units of ${machineId}: stored value unreadable, ignored (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return undefined;
  };
  return {
    /** The last units and ranges a machine's source published; stored only when they change. */
    saveSource(machineId: string, eng: Record<string, SensorEng>): void {
      const key = SOURCE_PREFIX + machineId;
      if (JSON.stringify(settings.get(key)) === JSON.stringify(eng)) return;
      settings.set(key, eng);
    },
    sources(): Map<string, Record<string, SensorEng>> {
      const rows = prepared<[string], { key: string; value: string }>(db, 'SELECT key, value FROM settings WHERE key >= ? ORDER BY key').all(SOURCE_PREFIX);
      const out = new Map<string, Record<string, SensorEng>>();
      for (const row of rows) {
        if (!row.key.startsWith(SOURCE_PREFIX)) break;
        const id = row.key.slice(SOURCE_PREFIX.length);
        let raw: unknown;
        try {
          raw = JSON.parse(row.value);
        } catch {
          raw = null;
        }
        const eng = sourceOf(id, raw);
        if (eng) out.set(id, eng);
      }
      return out;
    },
    /** Engineers' edits; an unreadable stored value is reported and read as none (the next edit replaces it). */
    overrides(): EngOverridesDto {
      let raw: unknown;
      try {
        raw = settings.get(OVERRIDES_KEY);
      } catch {
        raw = null;
      }
      if (raw === undefined) return EMPTY;
      const parsed = EngOverridesSchema.safeParse(raw);
      if (parsed.success) return parsed.data;
      log(`engineers' units and ranges: stored value unreadable, ignored (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      return EMPTY;
    },
    saveOverrides(overrides: EngOverridesDto): void {
      settings.set(OVERRIDES_KEY, overrides);
    },
  };
}
export type EngRepository = ReturnType<typeof engRepository>;

/** Units per machine and sensor as an export or report made from the store alone sees them: source, type edits, machine edits. */
export function unitsLookup(repo: Pick<EngRepository, 'sources' | 'overrides'>, typeOf: (machineId: string) => string | undefined): (machineId: string, sensor: string) => string | undefined {
  const sources = repo.sources();
  const overrides = repo.overrides();
  const cache = new Map<string, Record<string, SensorEng> | undefined>();
  return (machineId, sensor) => {
    if (!cache.has(machineId)) {
      const type = typeOf(machineId);
      cache.set(machineId, mergeEng(sources.get(machineId), type === undefined ? undefined : overrides.types[type], overrides.machines[machineId]));
    }
    return cache.get(machineId)?.[sensor]?.unit;
  };
}
