/**
 * The site key that signs alarm actions between consoles. Every console of a site holds the same
 * key; the first console to start makes one, and an administrator copies it to the others (like an
 * SSH host key, it never travels over the broker). A file encrypted with one PC's OS keystore opens
 * only there, so a site key is shared as a plain file (hex) that each console encrypts when it starts.
 */
import type { Keystore } from '../secrets/keystore';
import { describeProtection, loadOrCreateKey } from '../store/key-file';

export function loadOrCreateSyncKey(file: string, log: (message: string) => void, keystore: Keystore | null = null): Buffer {
  const { key, created, protection } = loadOrCreateKey(file, 'alarm sync key', log, keystore);
  log(`alarm sync key ${file}: ${describeProtection(protection)}`);
  if (created && protection === 'file') log(`alarm sync: made a new site key in ${file}; copy it to every console of this site`);
  if (created && protection === 'os-keystore') {
    log(`alarm sync: made a new site key in ${file}, encrypted for this PC only; to share one key, put the same plain key file (64 hex digits) on every console of this site before it starts`);
  }
  return key;
}
