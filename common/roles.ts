import { z } from 'zod';

export const ROLES = ['admin', 'supervisor', 'operator', 'viewer'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/**
 * What a contract call needs. 'public' is callable before login (login itself, first-run state);
 * the rest are ranked so that a role holds every permission at or below its own.
 */
export type Permission = 'public' | 'view' | 'operate' | 'supervise' | 'admin';

const RANK: Record<Exclude<Permission, 'public'>, number> = { view: 0, operate: 1, supervise: 2, admin: 3 };
const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, supervisor: 2, admin: 3 };

export function roleAllows(role: Role | null, permission: Permission): boolean {
  if (permission === 'public') return true;
  if (role === null) return false;
  return ROLE_RANK[role] >= RANK[permission];
}
