/**
 * The connector settings as the screen edits them: drafts made from what `connectors.settings`
 * answers, the changes an engineer makes (an endpoint added, a variable mapped, a Modbus device
 * edited), and the check against the same zod schemas the host applies, worded the way the host
 * words a refused request ("key.path: message").
 */
import type { z } from 'zod';
import { HistorianConfigSchema, ModbusConfigSchema, ModbusDeviceSchema, OpcuaSettingsSchema } from '../../../common/connector-config';
import type { CallResponse } from '../../../common/contract';

export type ConnectorSettings = CallResponse<'connectors.settings'>;
export type OpcuaDraft = z.output<typeof OpcuaSettingsSchema>;
export type OpcuaServerDraft = OpcuaDraft['servers'][number];
export type ModbusDraft = z.output<typeof ModbusConfigSchema>;
export type ModbusDeviceDraft = ModbusDraft['devices'][number];
export type HistorianDraft = Omit<z.output<typeof HistorianConfigSchema>, 'password'>;

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** Parses with a schema and names the key of every issue, as the host's router does. */
export function check<S extends z.ZodType>(schema: S, value: unknown): Checked<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'request'}: ${i.message}`) };
}

const without = <T extends object>(value: T, ...keys: string[]): Record<string, unknown> => Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));

/** The OPC UA settings as the engineer sends them back: a user's password stays on the host (connectors.opcua.password sets it). */
export function opcuaDraft(settings: ConnectorSettings): Checked<OpcuaDraft> {
  const opcua = without(settings.opcua, 'from') as { servers?: Record<string, unknown>[] };
  const servers = (opcua.servers ?? []).map((s) => {
    const identity = s['identity'] as Record<string, unknown> | undefined;
    return identity ? { ...s, identity: without(identity, 'passwordSet', 'password') } : s;
  });
  return check(OpcuaSettingsSchema, { ...opcua, servers });
}

/** Whether the host holds a password for this server's user (the settings never carry the password itself). */
export function opcuaPasswordSet(settings: ConnectorSettings, server: string): boolean {
  const servers = (settings.opcua as { servers?: { name: string; identity?: { passwordSet?: boolean } }[] }).servers ?? [];
  return servers.find((s) => s.name === server)?.identity?.passwordSet === true;
}

export function modbusDraft(settings: ConnectorSettings): Checked<ModbusDraft> {
  return check(ModbusConfigSchema, without(settings.modbus, 'from'));
}

export function historianDraft(settings: ConnectorSettings): Checked<HistorianDraft> {
  return check(HistorianConfigSchema.omit({ password: true }), without(settings.historian, 'from', 'passwordSet', 'password'));
}

export interface EndpointInput {
  name: string;
  endpointUrl: string;
  securityMode: OpcuaServerDraft['securityMode'];
  securityPolicy: OpcuaServerDraft['securityPolicy'];
  identity: { type: 'anonymous' } | { type: 'username'; username: string } | { type: 'certificate'; certFile: string; keyFile: string };
}

/** Adds an endpoint (or replaces the one of the same name, keeping its machines and subscriptions). */
export function withEndpoint(draft: OpcuaDraft, input: EndpointInput): OpcuaDraft {
  const old = draft.servers.find((s) => s.name === input.name);
  const server = { machines: {}, subscriptions: [], ...old, ...input } as OpcuaServerDraft;
  return { ...draft, servers: old ? draft.servers.map((s) => (s === old ? server : s)) : [...draft.servers, server] };
}

export function withoutEndpoint(draft: OpcuaDraft, name: string): OpcuaDraft {
  return { ...draft, servers: draft.servers.filter((s) => s.name !== name) };
}

export interface MappingInput {
  server: string;
  nodeId: string;
  machine: string;
  metric: string;
  unit?: string;
  range?: { low: number; high: number };
  samplingIntervalMs: number;
  deadband: { type: 'none' | 'absolute' | 'percent'; value: number };
}

/**
 * Maps a variable to a machine's metric. Items with the same sampling interval and deadband share a
 * subscription (those are set per subscription); a new combination opens a new one.
 */
export function withMapping(draft: OpcuaDraft, m: MappingInput): OpcuaDraft {
  const servers = draft.servers.map((s) => {
    if (s.name !== m.server) return s;
    const item = { nodeId: m.nodeId, machine: m.machine, metric: m.metric, ...(m.unit ? { unit: m.unit } : {}), ...(m.range ? { range: m.range } : {}) };
    // mapping a variable again moves it: the old item goes
    const subs = s.subscriptions.map((sub) => ({ ...sub, items: sub.items.filter((i) => i.nodeId !== m.nodeId) })).filter((sub) => sub.items.length > 0);
    const same = subs.findIndex((sub) => sub.samplingIntervalMs === m.samplingIntervalMs && sub.deadband.type === m.deadband.type && sub.deadband.value === m.deadband.value);
    const subscriptions =
      same >= 0
        ? subs.map((sub, i) => (i === same ? { ...sub, items: [...sub.items, item] } : sub))
        : [...subs, { publishingIntervalMs: Number.isFinite(m.samplingIntervalMs) ? Math.max(50, m.samplingIntervalMs) : 1000, samplingIntervalMs: m.samplingIntervalMs, deadband: m.deadband, queueSize: 10, items: [item] }];
    const machines = s.machines[m.machine] ? s.machines : { ...s.machines, [m.machine]: { site: 'plant1', area: 'opcua' } };
    return { ...s, machines, subscriptions };
  });
  return { ...draft, servers };
}

export function mappedItems(server: OpcuaServerDraft) {
  return server.subscriptions.flatMap((sub, index) => sub.items.map((item) => ({ ...item, subscription: index, samplingIntervalMs: sub.samplingIntervalMs, deadband: sub.deadband })));
}

export function withoutMapping(draft: OpcuaDraft, server: string, nodeId: string): OpcuaDraft {
  return {
    ...draft,
    servers: draft.servers.map((s) =>
      s.name !== server ? s : { ...s, subscriptions: s.subscriptions.map((sub) => ({ ...sub, items: sub.items.filter((i) => i.nodeId !== nodeId) })).filter((sub) => sub.items.length > 0) },
    ),
  };
}

/** A new Modbus device with one holding-register block, for the engineer to fill in. */
export function newModbusDevice(existing: readonly { name: string }[]): ModbusDeviceDraft {
  let n = existing.length + 1;
  while (existing.some((d) => d.name === `device-${n}`)) n++;
  return ModbusDeviceSchema.parse({
    name: `device-${n}`,
    host: '127.0.0.1',
    machine: { id: `device-${n}` },
    blocks: [{ table: 'holding', points: [{ metric: 'value', address: 0 }] }],
  });
}

/** The value at a path of nested objects and arrays, replaced immutably. */
export function setIn<T>(value: T, path: readonly (string | number)[], next: unknown): T {
  if (path.length === 0) return next as T;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setIn(v, rest, next) : v)) as T;
  const record = (value ?? {}) as Record<string, unknown>;
  return { ...record, [head]: setIn(record[head as string], rest, next) } as T;
}

/** A number field: empty or unparsable text stays NaN, so the schema refuses it and names the key. */
export function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}
