import { describe, expect, it } from 'vitest';
import { ROLES, roleAllows, type Permission } from './roles';

describe('roleAllows', () => {
  const table: Record<Permission, string[]> = {
    public: ['anonymous', 'viewer', 'operator', 'supervisor', 'admin'],
    view: ['viewer', 'operator', 'supervisor', 'admin'],
    operate: ['operator', 'supervisor', 'admin'],
    supervise: ['supervisor', 'admin'],
    admin: ['admin'],
  };
  for (const [permission, allowed] of Object.entries(table) as [Permission, string[]][]) {
    it(`${permission} is held by exactly ${allowed.join(', ')}`, () => {
      expect(roleAllows(null, permission)).toBe(allowed.includes('anonymous'));
      for (const role of ROLES) expect(roleAllows(role, permission)).toBe(allowed.includes(role));
    });
  }
});
