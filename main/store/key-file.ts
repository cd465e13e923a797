/**
 * Secret keys kept as files readable by this user only (0600), hex: the site key that signs alarm
 * actions and the key of the audit chain. Made on first use; a key that is too short or readable by
 * others is refused or tightened, never silently used as is.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';

export const KEY_BYTES = 32;
/** The key of the audit chain, in the data directory beside the database. */
export const AUDIT_KEY_FILE = 'audit.key';

/** Reads the key, or makes one; `created` says which. Throws with the reason when the file is unusable. */
export function loadOrCreateKey(file: string, what: string, log: (message: string) => void): { key: Buffer; created: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${what} ${file}: ${(err as Error).message}`);
    const key = randomBytes(KEY_BYTES);
    // 'wx': two starts racing each other must not overwrite a key the other already uses.
    try {
      writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      return { key, created: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${what} ${file}: ${(e as Error).message}`);
      text = readFileSync(file, 'utf8');
    }
  }
  return { key: parseKey(file, what, text, log), created: false };
}

/** Reads an existing key; null when there is none. */
export function readKey(file: string, what: string, log: (message: string) => void): Buffer | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${what} ${file}: ${(err as Error).message}`);
  }
  return parseKey(file, what, text, log);
}

function parseKey(file: string, what: string, text: string, log: (message: string) => void): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0 || hex.length < KEY_BYTES * 2) throw new Error(`${what} ${file}: expected at least ${KEY_BYTES * 2} hex digits`);
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, 0o600);
    log(`${what} ${file} was readable by other users; now 0600`);
  }
  return Buffer.from(hex, 'hex');
}
