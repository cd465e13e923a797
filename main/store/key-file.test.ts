import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeKeystore } from '../../test/support/fake-keystore';
import { KEY_BYTES, loadOrCreateKey, readKey } from './key-file';

const mode = (file: string) => statSync(file).mode & 0o777;
let dir: string;
let file: string;
let logs: string[];
const log = (m: string) => logs.push(m);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-key-file-'));
  file = join(dir, 'audit.key');
  logs = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('key files with an OS keystore', () => {
  it('writes a new key encrypted (0600, no hex key on disk) and reads it back through the keystore', () => {
    const keystore = fakeKeystore(0x5a);
    const made = loadOrCreateKey(file, 'audit key', log, keystore);
    expect(made).toMatchObject({ created: true, protection: 'os-keystore', migrated: false });
    expect(made.key).toHaveLength(KEY_BYTES);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^os-keystore:[A-Za-z0-9+/=]+\n$/);
    expect(text).not.toContain(made.key.toString('hex'));
    if (process.platform !== 'win32') expect(mode(file)).toBe(0o600);
    expect(loadOrCreateKey(file, 'audit key', log, keystore)).toMatchObject({ key: made.key, created: false, protection: 'os-keystore', migrated: false });
    expect(readKey(file, 'audit key', log, keystore)).toEqual(made.key);
  });

  it('falls back to a plain 0600 hex file where no keystore is available, and says so', () => {
    const made = loadOrCreateKey(file, 'audit key', log, fakeKeystore(0x5a, false));
    expect(made).toMatchObject({ created: true, protection: 'file' });
    expect(readFileSync(file, 'utf8')).toBe(`${made.key.toString('hex')}\n`);
    if (process.platform !== 'win32') expect(mode(file)).toBe(0o600);
    // The command line and the headless host pass none at all.
    expect(loadOrCreateKey(file, 'audit key', log)).toMatchObject({ key: made.key, protection: 'file', migrated: false });
    expect(readKey(file, 'audit key', log)).toEqual(made.key);
  });

  it('encrypts a plain key file once when a keystore becomes available, keeping the key and the 0600 mode', () => {
    const plain = loadOrCreateKey(file, 'audit key', log).key;
    chmodSync(file, 0o644);
    const keystore = fakeKeystore(0x33);
    const moved = loadOrCreateKey(file, 'audit key', log, keystore);
    expect(moved).toMatchObject({ key: plain, created: false, protection: 'os-keystore', migrated: true });
    expect(readFileSync(file, 'utf8')).toMatch(/^os-keystore:/);
    if (process.platform !== 'win32') expect(mode(file)).toBe(0o600);
    expect(logs).toContain(`audit key ${file} was a plain file; it is now encrypted with the OS keystore`);
    // Once: the next start reads the encrypted file as it is.
    expect(loadOrCreateKey(file, 'audit key', log, keystore)).toMatchObject({ key: plain, migrated: false, protection: 'os-keystore' });
    expect(keystore.encrypted).toBe(1);
  });

  it('refuses an encrypted key that this keystore cannot decrypt, or with no keystore at all, and never replaces it', () => {
    const original = loadOrCreateKey(file, 'audit key', log, fakeKeystore(0x11)).key;
    const before = readFileSync(file, 'utf8');
    expect(() => loadOrCreateKey(file, 'audit key', log, fakeKeystore(0x22))).toThrow(
      /audit key .* cannot be decrypted with this OS keystore \(Error while decrypting.*\): it was encrypted by another OS user, PC or keyring; FactoryBrain does not make a new key/,
    );
    expect(() => loadOrCreateKey(file, 'audit key', log, fakeKeystore(0x11, false))).toThrow(/is encrypted with an OS keystore, and none is available here/);
    expect(() => readKey(file, 'audit key', log)).toThrow(/is encrypted with an OS keystore, and none is available here/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(loadOrCreateKey(file, 'audit key', log, fakeKeystore(0x11)).key).toEqual(original);
  });

  it('refuses an encrypted key that decrypts to too few bytes', () => {
    const keystore = fakeKeystore(0x44);
    writeFileSync(file, `os-keystore:${keystore.encrypt(Buffer.alloc(8)).toString('base64')}\n`, { mode: 0o600 });
    expect(() => loadOrCreateKey(file, 'audit key', log, keystore)).toThrow(`audit key ${file}: expected at least ${KEY_BYTES} bytes, found 8`);
  });
});
