/**
 * Secrets encrypted with Electron safeStorage (DPAPI on Windows, the Keychain on macOS, the
 * desktop's secret service on Linux) and kept as ciphertext in one JSON file. safeStorage is passed
 * in, so the store runs under plain Node tests.
 */
import type { SafeStorage } from 'electron';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretStore } from '../secrets/secret-store';

export const BROKER_PASSWORD = 'broker.password';

type Cipher = Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>;

export function createSecretStore(safeStorage: Cipher, file: string): SecretStore {
  const read = (): Record<string, string> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  };
  return {
    get(name) {
      const sealed = read()[name];
      if (sealed === undefined || !safeStorage.isEncryptionAvailable()) return null;
      try {
        return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
      } catch {
        // Encrypted under another OS user or machine: as good as absent.
        return null;
      }
    },
    set(name, value) {
      const all = read();
      if (value === null) delete all[name];
      else {
        if (!safeStorage.isEncryptionAvailable()) throw new Error('the operating system offers no encryption for secrets');
        // On Linux without a keyring Electron falls back to a fixed key, which is obfuscation, not encryption.
        if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') throw new Error('no desktop keyring is available to encrypt secrets');
        all[name] = safeStorage.encryptString(value).toString('base64');
      }
      writeFileSync(`${file}.tmp`, JSON.stringify(all), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    },
  };
}
