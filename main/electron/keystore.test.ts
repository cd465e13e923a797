import { describe, expect, it, vi } from 'vitest';
import { safeStorageKeystore } from './keystore';

// The real module would try to fetch the Electron binary; nothing here may load it.
vi.mock('electron', () => ({}));

const safeStorage = (backend: string, available = true) => ({
  isEncryptionAvailable: () => available,
  getSelectedStorageBackend: () => backend as 'gnome_libsecret',
  encryptString: (s: string) => Buffer.from(`enc:${[...s].reverse().join('')}`),
  decryptString: (b: Buffer) => {
    const s = b.toString();
    if (!s.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return [...s.slice(4)].reverse().join('');
  },
});

describe('safeStorageKeystore', () => {
  it('seals any bytes with safeStorage and opens them again', () => {
    const keystore = safeStorageKeystore(safeStorage('gnome_libsecret'), 'linux');
    const key = Buffer.from([0, 255, 1, 128, 7]);
    const sealed = keystore.encrypt(key);
    expect(sealed.toString()).toMatch(/^enc:/);
    expect(keystore.decrypt(sealed)).toEqual(key);
    expect(() => keystore.decrypt(Buffer.from('plain'))).toThrow(/decrypting/);
  });

  it('counts as unavailable without OS encryption, and on Linux with only the fixed-key fallback', () => {
    expect(safeStorageKeystore(safeStorage('gnome_libsecret'), 'linux').available()).toBe(true);
    expect(safeStorageKeystore(safeStorage('basic_text'), 'linux').available()).toBe(false);
    expect(safeStorageKeystore(safeStorage('unknown', false), 'win32').available()).toBe(false);
    expect(safeStorageKeystore(safeStorage('unknown'), 'win32').available()).toBe(true);
  });
});
