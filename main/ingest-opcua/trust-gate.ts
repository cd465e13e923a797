/**
 * Keeps an engineer's trust and node-opcua's own certificate checks apart. node-opcua checks a
 * server certificate in two steps: it reads the trust lists, then, for an untrusted one, moves it
 * to the rejected folder. A check that read the lists before a trust and moves the certificate
 * after it puts the newly trusted certificate back among the rejected, and the client stays
 * refused. A client whose server changed its certificate retries its channel at once, so such a
 * check is nearly always in flight; here checks wait while a trust is made, and a trust waits for
 * the checks in flight to end.
 */
import type { OPCUACertificateManager, StatusCode } from 'node-opcua';

type Certificate = Buffer;
type Check = (chain: Certificate | Certificate[]) => Promise<StatusCode>;

export interface TrustGate {
  /** Trusts a certificate once no check is in flight; checks that start meanwhile wait for it. */
  trust(der: Buffer): Promise<void>;
}

export function gateCertificateChecks(manager: OPCUACertificateManager): TrustGate {
  // the prototype's checkCertificate returns a promise when called without a callback
  const check = (manager.checkCertificate as unknown as Check).bind(manager);
  let inFlight = 0;
  const idle: (() => void)[] = [];
  /** The trust being made (and those queued behind it); checks wait for it. */
  let trusting: Promise<void> | null = null;

  async function gated(chain: Certificate | Certificate[]): Promise<StatusCode> {
    while (trusting) await trusting;
    inFlight++;
    try {
      return await check(chain);
    } finally {
      inFlight--;
      if (inFlight === 0) for (const resolve of idle.splice(0)) resolve();
    }
  }

  function checksDone(): Promise<void> {
    return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(resolve));
  }

  const replacement = (chain: Certificate | Certificate[], callback?: (err: Error | null, status?: StatusCode) => void): Promise<StatusCode> | undefined => {
    const p = gated(chain);
    if (!callback) return p;
    p.then(
      (status) => callback(null, status),
      (err: unknown) => callback(err as Error),
    );
    return undefined;
  };
  manager.checkCertificate = replacement as OPCUACertificateManager['checkCertificate'];

  return {
    async trust(der: Buffer): Promise<void> {
      const previous = trusting;
      const mine = (async () => {
        await previous?.catch(() => undefined);
        await checksDone();
        await manager.trustCertificate(der);
      })();
      const settled = mine.catch(() => undefined);
      trusting = settled;
      try {
        await mine;
      } finally {
        if (trusting === settled) trusting = null;
      }
    },
  };
}
