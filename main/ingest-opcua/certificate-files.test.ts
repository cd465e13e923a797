import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { completeDer, listPem, thumbprintOf } from './certificate-files';

// a SEQUENCE of 300 bytes of content: long-form length, as a certificate has
const der = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x2c]), Buffer.alloc(300, 7)]);
const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
const dir = mkdtempSync(join(tmpdir(), 'fb-cert-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('certificate files', () => {
  it('reads a whole PEM or DER certificate and refuses one that is still being written', () => {
    expect(completeDer(Buffer.from(pem))).toEqual(der);
    expect(completeDer(der)).toEqual(der);
    expect(completeDer(Buffer.alloc(0))).toBeNull();
    expect(completeDer(Buffer.from(pem.slice(0, 200)))).toBeNull();
    expect(completeDer(der.subarray(0, 120))).toBeNull();
  });

  it('lists only the whole certificates of a folder, by thumbprint', () => {
    writeFileSync(join(dir, 'server[abc123].pem'), pem);
    writeFileSync(join(dir, 'other[def456].pem'), pem.slice(0, 100));
    writeFileSync(join(dir, 'empty[000000].pem'), '');
    expect(listPem(dir)).toEqual([{ thumbprint: thumbprintOf(der), file: join(dir, 'server[abc123].pem'), subject: 'server' }]);
    expect(listPem(join(dir, 'missing'))).toEqual([]);
  });
});
