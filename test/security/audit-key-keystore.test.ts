/**
 * Finding 6, the keys: where the OS offers a keystore (the desktop host's safeStorage), the audit
 * and alarm sync key files hold only ciphertext, so a copy of the data directory does not carry the
 * keys that would let its holder rehash the audit log or sign alarm actions. Through the whole
 * runtime, with a stand-in keystore: a plain key is encrypted once, and a key the keystore cannot
 * decrypt stops the start instead of being replaced by a new one (which would break the chain).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ConfigSchema } from '../../main/config';
import { startRuntime } from '../../main/runtime';
import type { Keystore } from '../../main/secrets/keystore';
import { verifyAuditChain } from '../../main/store/audit-log';
import { DATABASE_FILE } from '../../main/store/database-file';
import { AUDIT_KEY_FILE, readKey } from '../../main/store/key-file';
import { openDatabase } from '../../main/store/open-database';
import { fakeKeystore } from '../support/fake-keystore';
import { tempDirs, uniqueName } from '../integration/support';
import { auditRows } from './support';

const brokerUrl = inject('mosquittoUrl');
const dirs = tempDirs('fb-sec-keystore-');
afterEach(() => dirs.cleanup());

describe('audit and sync keys in the OS keystore (finding 6)', () => {
  it('encrypts plain key files once, keeps the chain under the same key, and refuses to start on a key it cannot decrypt', async () => {
    const dataDir = dirs.make();
    const site = uniqueName('site');
    const config = ConfigSchema.parse({ dataDir, broker: { url: brokerUrl, topics: [`factory/${site}/+/+/telemetry`] }, store: { backupHourUtc: null }, alarms: { site, sync: true }, agents: { enabled: false } });
    const auditKeyFile = join(dataDir, AUDIT_KEY_FILE);
    const syncKeyFile = join(dataDir, 'alarm-sync.key');
    const start = async (keystore: Keystore | undefined) => {
      const logs: string[] = [];
      const runtime = await startRuntime(config, { log: (m) => logs.push(m), processEvents: null, ...(keystore && { keystore }) });
      await runtime.stop();
      return logs;
    };

    // a headless host or a PC without a keyring: plain 0600 files, and the log says so
    const plainLogs = await start(undefined);
    expect(plainLogs).toContain(`audit key ${auditKeyFile}: a plain file readable by this user only (no OS keystore here)`);
    const auditHex = readFileSync(auditKeyFile, 'utf8').trim();
    const syncHex = readFileSync(syncKeyFile, 'utf8').trim();
    expect(auditHex).toMatch(/^[0-9a-f]{64}$/);

    // the desktop host with a keystore: both files are encrypted once, the keys stay the same
    const keystore = fakeKeystore(0x42);
    const movedLogs = await start(keystore);
    for (const [file, hex] of [
      [auditKeyFile, auditHex],
      [syncKeyFile, syncHex],
    ] as const) {
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(/^os-keystore:/);
      expect(text).not.toContain(hex);
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readKey(file, 'key', () => {}, keystore)!.toString('hex')).toBe(hex);
    }
    expect(movedLogs).toContain(`audit key ${auditKeyFile}: encrypted with the OS keystore`);
    expect(movedLogs).toContain(`alarm sync key ${syncKeyFile}: encrypted with the OS keystore`);
    expect(auditRows(dataDir).filter((r) => r.action === 'audit.keyProtected')).toHaveLength(1);
    await start(keystore);
    expect(auditRows(dataDir).filter((r) => r.action === 'audit.keyProtected')).toHaveLength(1);
    expect(keystore.encrypted).toBe(2);

    // a copy of the data directory alone does not give the key away
    expect(() => readKey(auditKeyFile, 'audit key', () => {})).toThrow(/encrypted with an OS keystore, and none is available here/);

    // another OS user or keyring: the start is refused, the key file is untouched, and the next start with the right keystore works
    const sealed = readFileSync(auditKeyFile, 'utf8');
    await expect(startRuntime(config, { log: () => {}, processEvents: null, keystore: fakeKeystore(0x17) })).rejects.toThrow(
      /audit key .* cannot be decrypted with this OS keystore .*FactoryBrain does not make a new key/,
    );
    expect(readFileSync(auditKeyFile, 'utf8')).toBe(sealed);
    await start(keystore);

    // one chain from the first start to the last, under the one key
    const db = openDatabase(join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      expect(verifyAuditChain(db, Buffer.from(auditHex, 'hex'))).toMatchObject({ ok: true });
    } finally {
      db.close();
    }
  }, 120_000);
});
