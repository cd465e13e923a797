/**
 * Where secrets such as the ElevenLabs API key are kept. The desktop host implements it with
 * Electron safeStorage (main/electron/secret-store.ts); the headless host has none and takes the
 * key from its configuration file instead.
 */
export interface SecretStore {
  get(name: string): string | null;
  /** null removes it. Throws when it cannot keep the value encrypted. */
  set(name: string, value: string | null): void;
}

export const ELEVENLABS_KEY = 'voice.elevenlabs.apiKey';
