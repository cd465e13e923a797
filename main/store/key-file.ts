/**
 * Secret keys kept as files readable by this user only (0600): the site key that signs alarm actions
 * and the key of the audit chain. Made on first use; a key that is too short or readable by others is
 * refused or tightened, never silently used as is.
 *
 * Where an OS keystore is at hand (the desktop host's Electron safeStorage, main/secrets/keystore.ts)
 * the file holds the key encrypted by it, `os-keystore:<base64>`, so a copy of the data directory
 * alone does not give the key away; elsewhere it holds the key in hex. A plain file found where a
 * keystore is available is encrypted once, in place. A file the keystore cannot decrypt is refused:
 * a fresh key would no longer verify what the old one signed (the audit chain, other consoles' actions).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Keystore } from '../secrets/keystore';

export const KEY_BYTES = 32;
/** The key of the audit chain, in the data directory beside the database. */
export const AUDIT_KEY_FILE = 'audit.key';
const SEALED = 'os-keystore:';

/** How a key file keeps its key: encrypted with the OS keystore, or as a plain 0600 file. */
export type KeyProtection = 'os-keystore' | 'file';

export interface LoadedKey {
  key: Buffer;
  created: boolean;
  protection: KeyProtection;
  /** A plain file that this load encrypted with the keystore. */
  migrated: boolean;
}

/** For the log and health: where the key is protected, in words. */
export function describeProtection(protection: KeyProtection): string {
  return protection === 'os-keystore' ? 'encrypted with the OS keystore' : 'a plain file readable by this user only (no OS keystore here)';
}

/**
 * Reads the key, or makes one; `created` says which. With a keystore that is available, a new key is
 * written encrypted and a plain one is encrypted in place. Throws with the reason when the file is unusable.
 */
export function loadOrCreateKey(file: string, what: string, log: (message: string) => void, keystore: Keystore | null = null): LoadedKey {
  const protect = keystore !== null && keystore.available() ? keystore : null;
  let text = readText(file, what);
  if (text === null) {
    const key = randomBytes(KEY_BYTES);
    // 'wx': two starts racing each other must not overwrite a key the other already uses.
    try {
      writeFileSync(file, encode(key, protect), { mode: 0o600, flag: 'wx' });
      return { key, created: true, protection: protect ? 'os-keystore' : 'file', migrated: false };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${what} ${file}: ${(e as Error).message}`);
      text = readFileSync(file, 'utf8');
    }
  }
  const { key, sealed } = parseKey(file, what, text, protect, log);
  if (sealed || !protect) return { key, created: false, protection: sealed ? 'os-keystore' : 'file', migrated: false };
  // A fresh 0600 file renamed over the old one: a crash leaves either the plain key or the encrypted one.
  const tmp = `${file}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, encode(key, protect), { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
  log(`${what} ${file} was a plain file; it is now encrypted with the OS keystore`);
  return { key, created: false, protection: 'os-keystore', migrated: true };
}

/** Reads an existing key; null when there is none. An encrypted one needs the keystore that encrypted it. */
export function readKey(file: string, what: string, log: (message: string) => void, keystore: Keystore | null = null): Buffer | null {
  const text = readText(file, what);
  return text === null ? null : parseKey(file, what, text, keystore !== null && keystore.available() ? keystore : null, log).key;
}

function readText(file: string, what: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${what} ${file}: ${(err as Error).message}`);
  }
}

function encode(key: Buffer, keystore: Keystore | null): string {
  return keystore ? `${SEALED}${keystore.encrypt(key).toString('base64')}\n` : `${key.toString('hex')}\n`;
}

function parseKey(file: string, what: string, text: string, keystore: Keystore | null, log: (message: string) => void): { key: Buffer; sealed: boolean } {
  const content = text.trim();
  const sealed = content.startsWith(SEALED);
  const key = sealed ? unseal(file, what, content.slice(SEALED.length), keystore) : fromHex(file, what, content);
  if (key.length < KEY_BYTES) throw new Error(`${what} ${file}: expected at least ${KEY_BYTES} bytes, found ${key.length}`);
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, 0o600);
    log(`${what} ${file} was readable by other users; now 0600`);
  }
  return { key, sealed };
}

function fromHex(file: string, what: string, hex: string): Buffer {
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0 || hex.length < KEY_BYTES * 2) throw new Error(`${what} ${file}: expected at least ${KEY_BYTES * 2} hex digits`);
  return Buffer.from(hex, 'hex');
}

function unseal(file: string, what: string, base64: string, keystore: Keystore | null): Buffer {
  const refusal = 'FactoryBrain does not make a new key, which would not verify what the old one signed';
  if (!keystore) {
    throw new Error(`${what} ${file} is encrypted with an OS keystore, and none is available here (only the desktop app, as the OS user that started it on this PC, can read it); ${refusal}`);
  }
  try {
    return keystore.decrypt(Buffer.from(base64, 'base64'));
  } catch (err) {
    throw new Error(
      `${what} ${file} cannot be decrypted with this OS keystore (${(err as Error).message}): it was encrypted by another OS user, PC or keyring; ${refusal}. Restore that keystore, or put the key back as a plain file (hex) from a copy`,
    );
  }
}
