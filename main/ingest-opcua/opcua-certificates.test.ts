/**
 * Certificates beyond the client's own: a user who logs in with a certificate, and a server whose
 * certificate changed (re-installed, replaced, or an impostor on its address), which is refused
 * and filed with the rejected certificates, like any unknown one, until an engineer trusts it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager, setErrorLogger, setWarningLogger } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../common/telemetry';
import { Quarantine } from '../ingest/quarantine';
import { OpcuaConfigSchema } from './opcua-config';
import { OpcuaSource } from './opcua-source';
import { startOpcuaTestServer, TEST_USER, type TestServer } from './opcua-test-server';

// node-opcua logs every refused channel on the way; the assertions below check the outcome instead
setWarningLogger(() => undefined);
setErrorLogger(() => undefined);

let dir: string;
const servers: TestServer[] = [];
let source: OpcuaSource | null = null;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-opcua-cert-'));
});
afterAll(async () => {
  await source?.stop();
  for (const s of servers) await s.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('OpcuaSource, a user who logs in with a certificate', () => {
  it('signs the session with the user certificate and key from their files, and reads', async () => {
    const server = await startOpcuaTestServer({ pkiDir: join(dir, 'server-user'), secure: true });
    servers.push(server);
    const user = new OPCUACertificateManager({ rootFolder: join(dir, 'user') });
    await user.initialize();
    const certFile = join(dir, 'user', 'own', 'certs', 'engineer.pem');
    await user.createSelfSignedCertificate({ applicationUri: 'urn:factorybrain:user:engineer', subject: '/CN=engineer', dns: [], startDate: new Date(), validity: 30, outputFile: certFile });
    const keyFile = join(dir, 'user', 'own', 'private', 'private_key.pem');
    await user.dispose();
    const config = OpcuaConfigSchema.parse({
      servers: [{ name: 'line', endpointUrl: server.endpointUrl, identity: { type: 'certificate', certFile, keyFile }, subscriptions: [{ publishingIntervalMs: 100, samplingIntervalMs: 50, items: [{ nodeId: 'ns=1;s=Press1.Speed', machine: 'm', metric: 'speed' }] }] }],
    });
    const userSource = new OpcuaSource({ config, pkiDir: join(dir, 'client-user'), quarantine: new Quarantine(10), retryMs: 300 });
    const readings: Reading[] = [];
    userSource.onReadings((batch) => readings.push(...batch));
    try {
      await userSource.start();
      await until(() => userSource.certificateStore().rejected.length === 1);
      await userSource.trust(userSource.certificateStore().rejected[0]!.thumbprint);
      await until(() => readings.length >= 3, 30_000);
      expect(userSource.status()[0]).toMatchObject({ state: 'ok', lastError: null });
    } finally {
      await userSource.stop();
    }
  }, 90_000);
});

describe('OpcuaSource, a server certificate that changed', () => {
  it('refuses the server with its new certificate: filed as rejected for an engineer, nothing read meanwhile; once trusted it reconnects and readings flow', async () => {
    const first = await startOpcuaTestServer({ pkiDir: join(dir, 'server-a'), secure: true });
    servers.push(first);
    const config = OpcuaConfigSchema.parse({
      servers: [{ name: 'line', endpointUrl: first.endpointUrl, identity: { type: 'username', ...TEST_USER }, subscriptions: [{ publishingIntervalMs: 100, samplingIntervalMs: 50, items: [{ nodeId: 'ns=1;s=Press1.Speed', machine: 'm', metric: 'speed' }] }] }],
    });
    source = new OpcuaSource({ config, pkiDir: join(dir, 'client'), quarantine: new Quarantine(10), retryMs: 300 });
    const readings: Reading[] = [];
    source.onReadings((batch) => readings.push(...batch));
    await source.start();
    await until(() => source!.certificateStore().rejected.length === 1);
    const old = source.certificateStore().rejected[0]!.thumbprint;
    await source.trust(old);
    await until(() => readings.length >= 3, 30_000);

    // the same address now answers with another certificate
    await first.stop();
    servers.length = 0;
    const second = await startOpcuaTestServer({ pkiDir: join(dir, 'server-b'), secure: true, port: first.port });
    servers.push(second);
    await until(() => source!.certificateStore().rejected.some((c) => c.thumbprint !== old), 40_000);
    const changed = source.certificateStore().rejected.find((c) => c.thumbprint !== old)!;
    expect(source.status()[0]!.state).toBe('lost');
    // trusting the old certificate does not carry over to the new one
    expect(source.certificateStore().trusted.map((c) => c.thumbprint)).toEqual([old]);
    expect(changed.thumbprint).not.toBe(old);
    const before = readings.length;
    await new Promise((r) => setTimeout(r, 1000));
    expect(readings.length).toBe(before);

    // an engineer trusts the new certificate: the client reconnects and readings flow again
    await source.trust(changed.thumbprint);
    await until(() => source!.status()[0]!.state === 'ok', 30_000);
    const trustedAt = readings.length;
    await until(() => readings.length >= trustedAt + 3, 30_000);
    expect(source.status()[0]).toMatchObject({ state: 'ok', lastError: null });
    expect(source.certificateStore().trusted.map((c) => c.thumbprint).sort()).toEqual([old, changed.thumbprint].sort());
  }, 120_000);
});
