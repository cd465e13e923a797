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

/**
 * The DER bytes of a whole certificate file, or null while it is incomplete: node-opcua writes a
 * newly rejected certificate while the folder may be read, and half a file is no certificate.
 */
export function completeDer(file: Buffer): Buffer | null {
  const der = pemToDer(file);
  return der.length > 0 && derLength(der) === der.length ? der : null;
}

/** The length an ASN.1 SEQUENCE at the start of buf declares, header included; -1 when it is none. */
function derLength(buf: Buffer): number {
  if (buf.length < 2 || buf[0] !== 0x30) return -1;
  const first = buf[1]!;
  if (first < 0x80) return 2 + first;
  const bytes = first & 0x7f;
  if (bytes === 0 || bytes > 4 || buf.length < 2 + bytes) return -1;
  let n = 0;
  for (let i = 0; i < bytes; i++) n = n * 256 + buf[2 + i]!;
  return 2 + bytes + n;
}

export function thumbprintOf(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex');
}

export function listPem(dir: string): CertificateInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.pem') || n.endsWith('.der'));
  } catch {
    return [];
  }
  const out: CertificateInfo[] = [];
  for (const n of names) {
    const file = join(dir, n);
    let der: Buffer | null;
    try {
      der = completeDer(readFileSync(file));
    } catch {
      // moved away (trusted, rejected) between the listing and the read
      continue;
    }
    if (!der) continue;
    const subject = /^(.*)\[[0-9a-f]+\]\.(pem|der)$/i.exec(n)?.[1] ?? null;
    out.push({ thumbprint: thumbprintOf(der), file, subject });
  }
  return out;
}
