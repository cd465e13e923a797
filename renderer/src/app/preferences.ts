import { createStore } from 'zustand/vanilla';

export type Density = 'desk' | 'wallboard';
export type Theme = 'light' | 'dark';
export type TimeZoneChoice = 'local' | 'utc';

export interface Preferences {
  /** desk: dense, for an operator at arm's length; wallboard: large type readable from about 5 m. */
  density: Density;
  /** Both are low-saturation greys (ISA-101); dark suits a dimmed control room. */
  theme: Theme;
  /** Grid emission factor for the CO2 figure, kg per kWh. */
  co2KgPerKwh: number;
  timeZone: TimeZoneChoice;
}

export interface PreferencesState extends Preferences {
  set(change: Partial<Preferences>): void;
}

export const DEFAULT_PREFERENCES: Preferences = { density: 'desk', theme: 'light', co2KgPerKwh: 0.5, timeZone: 'local' };
const KEY = 'factorybrain.preferences';

type KeyValue = Pick<Storage, 'getItem' | 'setItem'>;

/** Preferences belong to the console, not the user: kept in localStorage, so every login on this screen shares them. */
export function createPreferencesStore(storage: KeyValue | null) {
  const store = createStore<PreferencesState>()((set) => ({
    ...DEFAULT_PREFERENCES,
    ...readStored(storage),
    set: (change) => set(sanitize(change)),
  }));
  store.subscribe(({ density, theme, co2KgPerKwh, timeZone }) => {
    try {
      storage?.setItem(KEY, JSON.stringify({ density, theme, co2KgPerKwh, timeZone }));
    } catch {
      // A full or disabled storage only costs remembering the choice.
    }
  });
  return store;
}

export type PreferencesStore = ReturnType<typeof createPreferencesStore>;

function readStored(storage: KeyValue | null): Partial<Preferences> {
  try {
    const raw = storage?.getItem(KEY);
    return raw ? sanitize(JSON.parse(raw) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** What comes back from storage was written by an older build or by hand: keep only valid values. */
function sanitize(input: Partial<Record<keyof Preferences, unknown>>): Partial<Preferences> {
  const out: Partial<Preferences> = {};
  if (input.density === 'desk' || input.density === 'wallboard') out.density = input.density;
  if (input.theme === 'light' || input.theme === 'dark') out.theme = input.theme;
  if (typeof input.co2KgPerKwh === 'number' && Number.isFinite(input.co2KgPerKwh) && input.co2KgPerKwh >= 0 && input.co2KgPerKwh <= 5) out.co2KgPerKwh = input.co2KgPerKwh;
  if (input.timeZone === 'local' || input.timeZone === 'utc') out.timeZone = input.timeZone;
  return out;
}
