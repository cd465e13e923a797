/**
 * Field connections beyond MQTT (Modbus TCP devices, OPC UA servers) and the enterprise historian:
 * what health reports about them.
 */
import { z } from 'zod';
import { HistorianConfigSchema, ModbusConfigSchema, OpcuaSettingsSchema } from './connector-config';
import type { Permission } from './roles';

export const FieldSourceHealthSchema = z.object({
  protocol: z.enum(['modbus', 'opcua']),
  name: z.string(),
  endpoint: z.string(),
  /** lost: the device or server stopped answering; a system alarm is raised while it lasts. */
  state: z.enum(['connecting', 'ok', 'lost', 'stopped']),
  lastError: z.string().nullable(),
});
export type FieldSourceHealth = z.infer<typeof FieldSourceHealthSchema>;

export const HistorianHealthSchema = z.object({
  state: z.enum(['connecting', 'ok', 'failing', 'schema_mismatch', 'stopped']),
  lastError: z.string().nullable(),
  /** Rows waiting in the local store; null before the first connection says where forwarding stands. */
  backlogRows: z.number().nullable(),
  backlogCapped: z.boolean(),
  backlogSeconds: z.number().nullable(),
  forwardedValues: z.number(),
  forwardedEvents: z.number(),
  duplicatesSkipped: z.number(),
  /** The alarm text while the backlog (or a failure) is beyond its limit; null otherwise. */
  alarm: z.string().nullable(),
});
export type HistorianHealth = z.infer<typeof HistorianHealthSchema>;

// --- calls: an engineer's settings (admin, audited) and the OPC UA address space and certificates (supervisor)

const call = <Req extends z.ZodType, Res extends z.ZodType>(spec: { request: Req; response: Res; permission: Permission; audited: boolean }) => spec;
const Ok = z.object({ ok: z.literal(true) });
const ServerName = z.string().min(1).max(128);
const CertificateSchema = z.object({ thumbprint: z.string(), subject: z.string().nullable() });

export const connectorCalls = {
  /** The settings in force, without secrets; `from` says whether config.json or an engineer set them. */
  'connectors.settings': call({
    request: z.object({}).strict(),
    response: z.object({
      modbus: z.object({ from: z.enum(['config', 'ui']) }).passthrough(),
      opcua: z.object({ from: z.enum(['config', 'ui']) }).passthrough(),
      historian: z.object({ from: z.enum(['config', 'ui']), passwordSet: z.boolean() }).passthrough(),
    }),
    permission: 'supervise',
    audited: false,
  }),
  'connectors.modbus.set': call({ request: ModbusConfigSchema, response: Ok, permission: 'admin', audited: true }),
  'connectors.opcua.set': call({ request: OpcuaSettingsSchema, response: Ok, permission: 'admin', audited: true }),
  /** Top-level password: the audit log redacts it. */
  'connectors.opcua.password': call({ request: z.object({ server: ServerName, password: z.string().max(1024) }).strict(), response: Ok, permission: 'admin', audited: true }),
  /** The URL may not carry a password (it would be kept in the audit log); `password` does, null removes it. */
  'connectors.historian.set': call({
    request: HistorianConfigSchema.omit({ password: true })
      .extend({ password: z.string().max(1024).nullable().optional() })
      .refine((h) => h.url === null || !/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(h.url), { path: ['url'], message: 'put the password in the password field, not in the URL' }),
    response: Ok,
    permission: 'admin',
    audited: true,
  }),
  'opcua.browse': call({
    request: z.object({ server: ServerName, nodeId: z.string().min(3).max(512).optional() }).strict(),
    response: z.array(z.object({ nodeId: z.string(), browseName: z.string(), displayName: z.string(), nodeClass: z.string() })),
    permission: 'supervise',
    audited: false,
  }),
  /** Unit and range of a variable from its EUInformation and EURange, for mapping it to a metric. */
  'opcua.describe': call({
    request: z.object({ server: ServerName, nodeId: z.string().min(3).max(512) }).strict(),
    response: z.object({ nodeId: z.string(), unit: z.string().nullable(), range: z.object({ low: z.number(), high: z.number() }).nullable() }),
    permission: 'supervise',
    audited: false,
  }),
  /** This console's own certificate (for the server's administrator to trust) and the server certificates trusted and rejected. */
  'opcua.certificates': call({
    request: z.object({}).strict(),
    response: z.object({ own: CertificateSchema.extend({ file: z.string(), pem: z.string() }).nullable(), trusted: z.array(CertificateSchema), rejected: z.array(CertificateSchema) }),
    permission: 'supervise',
    audited: false,
  }),
  /** Trusts a rejected server certificate; never done by default. */
  'opcua.trust': call({ request: z.object({ thumbprint: z.string().regex(/^[0-9a-fA-F]{40}$/) }).strict(), response: CertificateSchema, permission: 'admin', audited: true }),
} as const;
