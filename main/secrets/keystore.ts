/**
 * The operating system's keystore as the key files use it (main/store/key-file.ts): the desktop host
 * wires Electron safeStorage in (main/electron/keystore.ts); the headless host and the command line
 * have none, and their key files stay plain 0600 files.
 */
export interface Keystore {
  /** False where nothing better than a fixed key would protect the bytes (Linux without a keyring). */
  available(): boolean;
  encrypt(plain: Buffer): Buffer;
  /** Throws when the bytes were not encrypted by this keystore (another OS user, machine or keyring). */
  decrypt(sealed: Buffer): Buffer;
}
