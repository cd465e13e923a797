import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecretStore } from './secret-store';

// The real module would try to fetch the Electron binary; nothing here may load it.
vi.mock('electron', () => ({}));

const safeStorage = {
  isEncryptionAvailable: vi.fn(() => true),
  getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
  // A reversible stand-in for the OS cipher, visibly not the plain text.
  encryptString: vi.fn((s: string) => Buffer.from(`enc:${[...s].reverse().join('')}`)),
  decryptString: vi.fn((b: Buffer) => {
    const s = b.toString();
    if (!s.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return [...s.slice(4)].reverse().join('');
  }),
};
const safeStorageSecretStore = (path: string) => createSecretStore(safeStorage as never, path);

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-secrets-'));
  file = join(dir, 'secrets.json');
  safeStorage.isEncryptionAvailable.mockReturnValue(true);
  safeStorage.getSelectedStorageBackend.mockReturnValue('gnome_libsecret');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('safeStorageSecretStore', () => {
  it('keeps only ciphertext on disk and reads the value back', () => {
    const store = safeStorageSecretStore(file);
    expect(store.get('k')).toBeNull();
    store.set('k', 'sk_live_secret');
    expect(readFileSync(file, 'utf8')).not.toContain('sk_live_secret');
    expect(safeStorageSecretStore(file).get('k')).toBe('sk_live_secret');
    store.set('k', null);
    expect(store.get('k')).toBeNull();
  });

  it('refuses to store when the OS cannot encrypt, or only obfuscates on Linux', () => {
    const store = safeStorageSecretStore(file);
    safeStorage.isEncryptionAvailable.mockReturnValue(false);
    expect(() => store.set('k', 'sk_live_secret')).toThrow(/no encryption/);
    safeStorage.isEncryptionAvailable.mockReturnValue(true);
    safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    if (process.platform === 'linux') expect(() => store.set('k', 'sk_live_secret')).toThrow(/keyring/);
    expect(() => readFileSync(file)).toThrow();
  });

  it('treats ciphertext it cannot decrypt, or a damaged file, as no secret', () => {
    writeFileSync(file, JSON.stringify({ k: Buffer.from('from another machine').toString('base64') }));
    expect(safeStorageSecretStore(file).get('k')).toBeNull();
    writeFileSync(file, '{not json');
    expect(safeStorageSecretStore(file).get('k')).toBeNull();
  });
});
