import type { Db } from './open-database';
import { prepared } from './prepared';

/** Small key/value settings stored as JSON; callers validate what they read back. */
export function settingsRepository(db: Db) {
  return {
    get(key: string): unknown {
      const value = prepared<[string], string>(db, 'SELECT value FROM settings WHERE key = ?').pluck().get(key);
      return value === undefined ? undefined : (JSON.parse(value) as unknown);
    },
    set(key: string, value: unknown): void {
      const json = JSON.stringify(value);
      if (json === undefined) throw new TypeError(`setting ${key} has no JSON form`);
      prepared<[string, string]>(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, json);
    },
    delete(key: string): void {
      prepared<[string]>(db, 'DELETE FROM settings WHERE key = ?').run(key);
    },
  };
}
export type SettingsRepository = ReturnType<typeof settingsRepository>;
