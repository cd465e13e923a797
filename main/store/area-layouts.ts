/**
 * Engineers' Level 2 area graphics, one settings row per area: where each machine sits and which
 * machines feed which. They live in the database, so they travel with backups. A stored value that
 * no longer parses is reported and left in place until the next save replaces it.
 */
import { z } from 'zod';
import { AreaLayoutSchema, type AreaLayout, type StoredAreaLayout } from '../../common/contract-area';
import { CallFailure } from '../../common/errors';
import type { Db } from './open-database';
import { settingsRepository } from './settings';
import type { WallMs } from '../../common/time';

const PREFIX = 'area.layout:';
const StoredSchema = z.object({ layout: AreaLayoutSchema, by: z.string().nullable(), at: z.number() });

export interface AreaLayoutDeps {
  /** The machines the console knows, with their area. */
  machines(): readonly { id: string; area: string }[];
  now(): WallMs;
  log?: (line: string) => void;
}

export function areaLayouts(db: Db, deps: AreaLayoutDeps) {
  const settings = settingsRepository(db);
  const automatic = (area: string, problem: string | null = null): StoredAreaLayout => ({ area, layout: null, updatedBy: null, updatedAt: null, problem });

  return {
    get(area: string): StoredAreaLayout {
      let raw: unknown;
      try {
        raw = settings.get(PREFIX + area);
      } catch {
        raw = null;
      }
      if (raw === undefined) return automatic(area);
      const parsed = StoredSchema.safeParse(raw);
      if (parsed.success) return { area, layout: parsed.data.layout, updatedBy: parsed.data.by, updatedAt: parsed.data.at, problem: null };
      const why = parsed.error.issues[0]?.message ?? 'invalid';
      deps.log?.(`layout of area ${area}: stored value unreadable, ignored (${why})`);
      return automatic(area, `The saved layout of this area cannot be read (${why}); the automatic arrangement is shown until an engineer saves a new one.`);
    },

    /** Saves a layout (every machine it places must belong to the area), or with null returns the area to the automatic arrangement. */
    set(area: string, layout: AreaLayout | null, by: string | null): StoredAreaLayout {
      if (layout === null) {
        settings.delete(PREFIX + area);
        return automatic(area);
      }
      const areaOf = new Map(deps.machines().map((m) => [m.id, m.area]));
      const unknown = layout.nodes.filter((n) => areaOf.get(n.machineId) !== area).map((n) => n.machineId);
      if (unknown.length > 0) throw new CallFailure('bad_request', `not machines of area ${area}: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}`);
      const at = deps.now();
      settings.set(PREFIX + area, { layout, by, at });
      return { area, layout, updatedBy: by, updatedAt: at, problem: null };
    },
  };
}
export type AreaLayouts = ReturnType<typeof areaLayouts>;
