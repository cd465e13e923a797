/**
 * Electron safeStorage as the key files' keystore (main/secrets/keystore.ts): DPAPI on Windows, the
 * Keychain on macOS, the desktop's secret service on Linux. Linux without a keyring falls back to a
 * fixed key ('basic_text'), which is obfuscation, so it counts as no keystore. Use after app ready.
 */
import type { SafeStorage } from 'electron';
import type { Keystore } from '../secrets/keystore';

type Cipher = Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>;

export function safeStorageKeystore(safeStorage: Cipher, platform: NodeJS.Platform = process.platform): Keystore {
  return {
    available: () => safeStorage.isEncryptionAvailable() && !(platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'),
    // safeStorage seals strings: the key's bytes travel as base64.
    encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
    decrypt: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'base64'),
  };
}
