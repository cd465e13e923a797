import { StatusCodes, type OPCUACertificateManager, type StatusCode } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { gateCertificateChecks } from './trust-gate';

/** node-opcua's two steps: read the lists, later move an untrusted certificate to the rejected folder. */
function fakeManager() {
  const fake = {
    state: 'rejected' as 'rejected' | 'trusted',
    pending: [] as (() => void)[],
    checkCertificate(_chain: Buffer): Promise<StatusCode> {
      const seen = fake.state;
      return new Promise<void>((resolve) => fake.pending.push(resolve)).then(() => {
        if (seen !== 'trusted') fake.state = 'rejected';
        return seen === 'trusted' ? StatusCodes.Good : StatusCodes.BadCertificateUntrusted;
      });
    },
    trustCertificate(_der: Buffer): Promise<void> {
      fake.state = 'trusted';
      return Promise.resolve();
    },
  };
  return fake;
}

const tick = () => new Promise((r) => setImmediate(r));
const cert = Buffer.from('cert');

describe('gateCertificateChecks', () => {
  it('makes a trust wait for the check in flight, which would otherwise reject the certificate again', async () => {
    const fake = fakeManager();
    const gate = gateCertificateChecks(fake as unknown as OPCUACertificateManager);
    const manager = fake as unknown as OPCUACertificateManager;
    const before = manager.checkCertificate(cert);
    let trusted = false;
    const trust = gate.trust(cert).then(() => (trusted = true));
    await tick();
    expect(trusted).toBe(false);
    fake.pending.shift()!();
    expect(await before).toBe(StatusCodes.BadCertificateUntrusted);
    await trust;
    expect(fake.state).toBe('trusted');

    // a check after the trust sees it
    const after = manager.checkCertificate(cert);
    await tick();
    fake.pending.shift()!();
    expect(await after).toBe(StatusCodes.Good);
    expect(fake.state).toBe('trusted');
  });

  it('holds a check that starts while a trust is made until it is made, and answers callbacks too', async () => {
    const fake = fakeManager();
    const block: { release?: () => void } = {};
    fake.trustCertificate = () =>
      new Promise<void>((resolve) => {
        block.release = () => {
          fake.state = 'trusted';
          resolve();
        };
      });
    const gate = gateCertificateChecks(fake as unknown as OPCUACertificateManager);
    const manager = fake as unknown as OPCUACertificateManager;
    const trust = gate.trust(cert);
    await tick();
    const answers: (StatusCode | undefined)[] = [];
    manager.checkCertificate(cert, (err, status) => answers.push(err ? undefined : status));
    await tick();
    expect(fake.pending).toHaveLength(0);
    block.release!();
    await trust;
    await tick();
    fake.pending.shift()!();
    await tick();
    expect(answers).toEqual([StatusCodes.Good]);
  });

  it('passes a failed trust to its caller and lets checks go on', async () => {
    const fake = fakeManager();
    fake.trustCertificate = () => Promise.reject(new Error('disk full'));
    const gate = gateCertificateChecks(fake as unknown as OPCUACertificateManager);
    await expect(gate.trust(cert)).rejects.toThrow('disk full');
    const check = (fake as unknown as OPCUACertificateManager).checkCertificate(cert);
    await tick();
    fake.pending.shift()!();
    expect(await check).toBe(StatusCodes.BadCertificateUntrusted);
  });
});
