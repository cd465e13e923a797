/**
 * A stand-in for the OS keystore (main/secrets/keystore.ts) in tests: each one seals with its own
 * secret byte and a tag, so bytes sealed by another keystore fail to decrypt, as safeStorage's do
 * under another OS user, PC or keyring. `encrypted` counts the seals.
 */
import type { Keystore } from '../../main/secrets/keystore';

export function fakeKeystore(secret: number, available = true): Keystore & { encrypted: number } {
  const keystore = {
    encrypted: 0,
    available: () => available,
    encrypt: (plain: Buffer) => {
      keystore.encrypted++;
      return Buffer.concat([Buffer.from([secret]), plain.map((b) => b ^ secret)]);
    },
    decrypt: (sealed: Buffer) => {
      if (sealed[0] !== secret) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(sealed.subarray(1).map((b) => b ^ secret));
    },
  };
  return keystore;
}
