/**
 * Accounts, the session lock and the audit log's integrity: the administration half of the
 * contract, spread into `calls` of contract.ts like the alarm and voice halves.
 */
import { z } from 'zod';
import { wallMs } from './time';
import { RoleSchema, type Permission } from './roles';

const call = <Req extends z.ZodType, Res extends z.ZodType>(spec: { request: Req; response: Res; permission: Permission; audited: boolean }) => spec;

const Empty = z.object({}).strict();
/** The same rules as first-run setup: an account an admin creates must be one setup could create. */
const Username = z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore');
const Password = z.string().min(10, 'at least 10 characters').max(256);
const UserId = z.number().int().positive();

export const AccountSchema = z.object({
  id: z.number(),
  username: z.string(),
  role: RoleSchema,
  disabled: z.boolean(),
  createdAt: z.number(),
  /** Set while the account is locked out after failed logins. */
  lockedUntil: z.number().nullable(),
});
export type Account = z.infer<typeof AccountSchema>;

export const AuditRecordSchema = z.object({
  id: z.number(),
  at: wallMs(),
  userId: z.number().nullable(),
  username: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.string(),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string().nullable(),
});

export const AuditVerificationSchema = z.object({
  ok: z.boolean(),
  rows: z.number(),
  unchained: z.number(),
  firstBroken: z.object({ id: z.number(), reason: z.string() }).nullable(),
});

export const userCalls = {
  'users.list': call({ request: Empty, response: z.array(AccountSchema), permission: 'admin', audited: false }),
  'users.create': call({ request: z.object({ username: Username, password: Password, role: RoleSchema }).strict(), response: AccountSchema, permission: 'admin', audited: true }),
  /** Changing a role ends the account's sessions, so the new role applies from its next login. */
  'users.update': call({ request: z.object({ id: UserId, role: RoleSchema }).strict(), response: AccountSchema, permission: 'admin', audited: true }),
  'users.disable': call({ request: z.object({ id: UserId, disabled: z.boolean() }).strict(), response: AccountSchema, permission: 'admin', audited: true }),
  'users.resetPassword': call({ request: z.object({ id: UserId, password: Password }).strict(), response: AccountSchema, permission: 'admin', audited: true }),
  /**
   * Locks the caller's session now (it also locks by itself after the configured idle time). A
   * locked session keeps receiving events (alarms, voice) but may only unlock, log out or ask its state.
   */
  'auth.lock': call({ request: Empty, response: z.object({ locked: z.literal(true) }), permission: 'view', audited: true }),
  'auth.unlock': call({ request: z.object({ password: z.string().max(256) }).strict(), response: z.object({ locked: z.literal(false) }), permission: 'view', audited: true }),
  'audit.verify': call({ request: Empty, response: AuditVerificationSchema, permission: 'admin', audited: true }),
  /** Oldest first with hashes, paged by afterId, so an export can be verified away from the plant. */
  'audit.export': call({
    request: z.object({ afterId: z.number().int().nonnegative().optional(), from: z.number().int().optional(), to: z.number().int().optional(), limit: z.number().int().min(1).max(10_000).default(1000) }).strict(),
    response: z.array(AuditRecordSchema),
    permission: 'admin',
    audited: true,
  }),
} as const;
