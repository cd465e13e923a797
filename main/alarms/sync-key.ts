/**
 * The site key that signs alarm actions between consoles. Every console of a site holds the same
 * key file; the first console to start makes one, and an administrator copies it to the others
 * (like an SSH host key, it never travels over the broker).
 */
import { loadOrCreateKey } from '../store/key-file';

export function loadOrCreateSyncKey(file: string, log: (message: string) => void): Buffer {
  const { key, created } = loadOrCreateKey(file, 'alarm sync key', log);
  if (created) log(`alarm sync: made a new site key in ${file}; copy it to every console of this site`);
  return key;
}
