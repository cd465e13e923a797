/**
 * Settings of the plant's own systems beside MQTT, shared by config.json (main/config.ts) and the
 * contract calls an engineer changes them with: Modbus TCP devices and their register blocks, OPC UA
 * servers and their subscriptions, and the enterprise historian.
 */
import { z } from 'zod';

const Name = z.string().regex(/^[A-Za-z0-9_.-]+$/).min(1).max(128);

export const MODBUS_TABLES = ['holding', 'input', 'coil', 'discrete'] as const;
export const MODBUS_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'bool'] as const;

export const ModbusPointSchema = z
  .object({
    metric: Name,
    /** Zero-based register (or coil) address, as on the wire. */
    address: z.number().int().min(0).max(65535),
    type: z.enum(MODBUS_TYPES).default('uint16'),
    /** 'big': the first register holds the high word (Modbus convention); 'little': word-swapped devices. */
    wordOrder: z.enum(['big', 'little']).default('big'),
    scale: z.number().finite().default(1),
    offset: z.number().finite().default(0),
    unit: z.string().max(32).optional(),
  })
  .strict();

export const ModbusBlockSchema = z
  .object({
    table: z.enum(MODBUS_TABLES).default('holding'),
    pollMs: z.number().int().min(50).max(3_600_000).default(1000),
    points: z.array(ModbusPointSchema).min(1).max(2000),
  })
  .strict()
  .superRefine((block, ctx) => {
    const bits = block.table === 'coil' || block.table === 'discrete';
    block.points.forEach((p, i) => {
      if (bits !== (p.type === 'bool')) ctx.addIssue({ code: 'custom', path: ['points', i, 'type'], message: bits ? `a ${block.table} point must be of type bool` : `type bool needs table coil or discrete` });
      if (p.address + registerCount(p.type) - 1 > 65535) ctx.addIssue({ code: 'custom', path: ['points', i, 'address'], message: 'the value runs past address 65535' });
    });
  });

export const ModbusDeviceSchema = z
  .object({
    name: Name,
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(502),
    /** The unit (slave) id: 1..247, or 255/0 that many gateways accept for the device behind them. */
    unitId: z.number().int().min(0).max(255).default(1),
    timeoutMs: z.number().int().min(50).max(60_000).default(1000),
    /** Neighbouring registers at most this far apart are read in one request (the gap is read and discarded). */
    maxGap: z.number().int().min(0).max(100).default(8),
    /** After this many failed polls in a row the device counts as lost: its machine goes offline and a system alarm rises. */
    lostAfterFailures: z.number().int().min(1).max(100).default(3),
    machine: z
      .object({
        id: Name,
        site: z.string().regex(/^[A-Za-z0-9_-]+$/).default('plant1'),
        area: z.string().max(128).default('modbus'),
        name: z.string().max(128).optional(),
        type: z.string().max(64).optional(),
      })
      .strict(),
    blocks: z.array(ModbusBlockSchema).min(1).max(256),
  })
  .strict();

export const ModbusConfigSchema = z
  .object({
    devices: z.array(ModbusDeviceSchema).max(1000).default([]),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.devices.forEach((d, i) => {
      if (seen.has(d.name)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'name'], message: `device name ${d.name} is used twice` });
      seen.add(d.name);
    });
  });

export type ModbusPoint = z.output<typeof ModbusPointSchema>;
export type ModbusBlock = z.output<typeof ModbusBlockSchema>;
export type ModbusDevice = z.output<typeof ModbusDeviceSchema>;
export type ModbusConfig = z.output<typeof ModbusConfigSchema>;
export type ModbusTable = (typeof MODBUS_TABLES)[number];
export type ModbusType = (typeof MODBUS_TYPES)[number];

/** Registers (16-bit words) a value of this type spans; a bool is one coil. */
export function registerCount(type: ModbusType): number {
  return type === 'int32' || type === 'uint32' || type === 'float32' ? 2 : 1;
}

// --- OPC UA


export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
/** Basic256Sha256 and the two AES policies of OPC UA 1.04; the deprecated SHA-1 policies are not offered. */
export const SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;

export const OpcuaItemSchema = z
  .object({
    /** e.g. ns=2;s=Press1.Temperature */
    nodeId: z.string().min(3).max(512),
    machine: Name,
    metric: Name,
    /** From the variable's EUInformation and EURange (opcua.describe), or as the engineer sets them. */
    unit: z.string().max(32).optional(),
    range: z.object({ low: z.number().finite(), high: z.number().finite() }).strict().refine((r) => r.low < r.high, 'low must be below high').optional(),
  })
  .strict();

export const OpcuaSubscriptionSchema = z
  .object({
    publishingIntervalMs: z.number().int().min(50).max(3_600_000).default(1000),
    samplingIntervalMs: z.number().int().min(0).max(3_600_000).default(1000),
    /** Changes smaller than this are not sent by the server (DataChangeFilter); percent is of the EURange. */
    deadband: z.object({ type: z.enum(['none', 'absolute', 'percent']).default('none'), value: z.number().min(0).default(0) }).strict().prefault({}),
    queueSize: z.number().int().min(1).max(1000).default(10),
    items: z.array(OpcuaItemSchema).min(1).max(100_000),
  })
  .strict();

const identity = <P extends z.ZodType>(password: P) =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('anonymous') }).strict(),
    z.object({ type: z.literal('username'), username: z.string().min(1).max(256), password }).strict(),
    z.object({ type: z.literal('certificate'), certFile: z.string().min(1), keyFile: z.string().min(1) }).strict(),
  ]);

const serverSchema = <I extends z.ZodType>(identitySchema: I) =>
  z
  .object({
    name: Name,
    endpointUrl: z.string().regex(/^opc\.tcp:\/\/[^\s/]+(:\d+)?(\/.*)?$/, 'must be an opc.tcp://host:port URL'),
    securityMode: z.enum(SECURITY_MODES).default('SignAndEncrypt'),
    securityPolicy: z.enum(SECURITY_POLICIES).default('Basic256Sha256'),
    identity: identitySchema.default({ type: 'anonymous' } as never),
    /** Machines of this server: how they are named and grouped (their id is the items' machine). */
    machines: z.record(Name, z.object({ site: z.string().regex(/^[A-Za-z0-9_-]+$/).default('plant1'), area: z.string().max(128).default('opcua'), name: z.string().max(128).optional(), type: z.string().max(64).optional() }).strict()).default({}),
    subscriptions: z.array(OpcuaSubscriptionSchema).max(100).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.securityMode === 'None') !== (s.securityPolicy === 'None')) ctx.addIssue({ code: 'custom', path: ['securityPolicy'], message: 'securityMode None goes with securityPolicy None, and only with it' });
    const seen = new Set<string>();
    s.subscriptions.forEach((sub, i) =>
      sub.items.forEach((item, j) => {
        const key = `${item.machine}\u0000${item.metric}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['subscriptions', i, 'items', j, 'metric'], message: `${item.machine}/${item.metric} is mapped twice` });
        seen.add(key);
      }),
    );
  });

const configSchema = <S extends z.ZodType<{ name: string }>>(server: S) =>
  z
    .object({
      /** The client's certificate store (own certificate, trusted and rejected server certificates); default <dataDir>/pki/opcua. */
      pkiDir: z.string().min(1).optional(),
      applicationName: z.string().min(1).max(128).default('FactoryBrain'),
      servers: z.array(server).max(100).default([]),
    })
    .strict()
    .superRefine((cfg, ctx) => {
      const seen = new Set<string>();
      (cfg.servers as { name: string }[]).forEach((s, i) => {
        if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['servers', i, 'name'], message: `server name ${s.name} is used twice` });
        seen.add(s.name);
      });
    });

export const OpcuaServerSchema = serverSchema(identity(z.string().max(1024)));
export const OpcuaConfigSchema = configSchema(OpcuaServerSchema);
/** The same settings as an engineer sends them from a screen: no password inside (the audit log keeps requests); connectors.opcua.password sets it. */
export const OpcuaSettingsSchema = configSchema(serverSchema(identity(z.never().optional())));

export type OpcuaConfig = z.output<typeof OpcuaConfigSchema>;
export type OpcuaServerConfig = z.output<typeof OpcuaServerSchema>;
export type OpcuaSubscriptionConfig = z.output<typeof OpcuaSubscriptionSchema>;
export type OpcuaItem = z.output<typeof OpcuaItemSchema>;

// --- historian

export const HISTORIAN_READINGS = ['raw', '1m', '1h', 'none'] as const;

export const HistorianConfigSchema = z
  .object({
    /** postgres://user@host:port/database; null: no historian. The password may also come from `password`. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .nullable()
      .default(null),
    password: z.string().optional(),
    tls: z.object({ caFile: z.string().min(1).optional(), rejectUnauthorized: z.boolean().default(true) }).strict().optional(),
    /** This console's key in the shared database; the alarms' site and console (host name) when not given. */
    site: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
    console: z.string().min(1).max(128).optional(),
    /** Raw readings, or the 1-minute or 1-hour rollups (one plant forwards everything, another only summaries). */
    readings: z.enum(HISTORIAN_READINGS).default('raw'),
    alarms: z.boolean().default(true),
    models: z.boolean().default(true),
    /** Sensor values per transaction: bigger batches forward faster, smaller ones hold the main thread less. */
    batchValues: z.number().int().min(100).max(200_000).default(20_000),
    /** Connections forwarding in parallel, each for its share of the machines: PostgreSQL uses a core per connection. */
    connections: z.number().int().min(1).max(8).default(2),
    /** How often forwarding looks for new rows once it has caught up. */
    intervalMs: z.number().int().min(100).max(600_000).default(1000),
    /** Rows waiting in the local store beyond which a system alarm rises. */
    backlogAlarmRows: z.number().int().min(1).default(500_000),
    /** ...or data older than this (event time) still waiting. */
    backlogAlarmSeconds: z.number().int().min(1).default(900),
  })
  .strict();

export type HistorianConfig = z.output<typeof HistorianConfigSchema>;
export type HistorianReadings = (typeof HISTORIAN_READINGS)[number];
