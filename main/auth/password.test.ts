import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword, OWASP_SCRYPT } from './password';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterx', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password!', FAST)).not.toBe(await hashPassword('same password!', FAST));
  });

  it('rejects malformed stored hashes instead of throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$x$8$1$a$b', 'bcrypt$1$2$3$4$5']) expect(await verifyPassword('whatever', bad)).toBe(false);
  });

  it('uses the OWASP parameters by default and records them in the hash', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored.split('$').slice(1, 4).map(Number)).toEqual([OWASP_SCRYPT.N, OWASP_SCRYPT.r, OWASP_SCRYPT.p]);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
  });
});
