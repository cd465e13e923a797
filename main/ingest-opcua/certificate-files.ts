/** The certificate folders node-opcua keeps (own, trusted, rejected), read as thumbprints for the screen. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertificateInfo {
  thumbprint: string;
  file: string;
  subject: string | null;
}

/** The DER bytes of a PEM certificate; a DER file is returned as it is. */
export function pemToDer(pem: Buffer): Buffer {
  const text = pem.toString('utf8');
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : pem;
}

export function listPem(dir: string): CertificateInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.pem') || n.endsWith('.der'));
  } catch {
    return [];
  }
  return names.map((n) => {
    const file = join(dir, n);
    const der = pemToDer(readFileSync(file));
    const subject = /^(.*)\[[0-9a-f]+\]\.(pem|der)$/i.exec(n)?.[1] ?? null;
    return { thumbprint: createHash('sha1').update(der).digest('hex'), file, subject };
  });
}
