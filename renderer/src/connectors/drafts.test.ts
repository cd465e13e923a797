import { describe, expect, it } from 'vitest';
import { ModbusConfigSchema, OpcuaSettingsSchema } from '../../../common/connector-config';
import { check, historianDraft, mappedItems, modbusDraft, newModbusDevice, numberOf, opcuaDraft, opcuaPasswordSet, setIn, withEndpoint, withMapping, withoutMapping, type ConnectorSettings, type OpcuaDraft } from './drafts';

const settings = (patch: Partial<ConnectorSettings> = {}): ConnectorSettings => ({
  modbus: { from: 'config', devices: [] },
  opcua: {
    from: 'ui',
    applicationName: 'FactoryBrain',
    servers: [
      { name: 'line1', endpointUrl: 'opc.tcp://plc:4840', securityMode: 'Sign', securityPolicy: 'Basic256Sha256', identity: { type: 'username', username: 'eng', passwordSet: true }, machines: {}, subscriptions: [] },
    ],
  },
  historian: { from: 'config', url: 'postgres://fb@db:5432/history', readings: 'raw', passwordSet: true },
  ...patch,
});

const mapping = { server: 'line1', machine: 'press-1', samplingIntervalMs: 500, deadband: { type: 'none' as const, value: 0 } };

describe('connector drafts', () => {
  it('turns the settings the host shows into what it accepts back, with no password and no `from`', () => {
    const draft = opcuaDraft(settings());
    expect(draft.ok).toBe(true);
    const value = (draft as { value: OpcuaDraft }).value;
    expect(value.servers[0]!.identity).toEqual({ type: 'username', username: 'eng' });
    expect(OpcuaSettingsSchema.safeParse(value).success).toBe(true);
    expect(opcuaPasswordSet(settings(), 'line1')).toBe(true);
    expect(opcuaPasswordSet(settings(), 'other')).toBe(false);
    const historian = historianDraft(settings());
    expect(historian.ok && historian.value).toMatchObject({ url: 'postgres://fb@db:5432/history', readings: 'raw', backlogAlarmRows: 500_000 });
    expect(historian.ok && 'passwordSet' in historian.value).toBe(false);
    expect(modbusDraft(settings())).toEqual({ ok: true, value: { devices: [] } });
  });

  it('names the key of every refused value, as the host does', () => {
    const bad = ModbusConfigSchema.parse({ devices: [newModbusDevice([])] });
    const withText = setIn(setIn(bad, ['devices', 0, 'blocks', 0, 'points', 0, 'address'], numberOf('12x')), ['devices', 0, 'unitId'], 300);
    const checked = check(ModbusConfigSchema, withText);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.issues).toEqual([expect.stringMatching(/^devices\.0\.unitId: /), expect.stringMatching(/^devices\.0\.blocks\.0\.points\.0\.address: /)]);
    const none = check(OpcuaSettingsSchema, withEndpoint({ applicationName: 'FactoryBrain', servers: [] }, { name: 'x', endpointUrl: 'http://x', securityMode: 'None', securityPolicy: 'Basic256Sha256', identity: { type: 'anonymous' } }));
    expect(!none.ok && none.issues).toEqual(['servers.0.endpointUrl: must be an opc.tcp://host:port URL', 'servers.0.securityPolicy: securityMode None goes with securityPolicy None, and only with it']);
  });

  it('adds an endpoint, or updates one keeping its mapped variables', () => {
    const base = (opcuaDraft(settings()) as { value: OpcuaDraft }).value;
    const mapped = withMapping(base, { ...mapping, nodeId: 'ns=1;s=T', metric: 'temperature' });
    const updated = withEndpoint(mapped, { name: 'line1', endpointUrl: 'opc.tcp://plc2:4840', securityMode: 'None', securityPolicy: 'None', identity: { type: 'anonymous' } });
    expect(updated.servers).toHaveLength(1);
    expect(updated.servers[0]!.endpointUrl).toBe('opc.tcp://plc2:4840');
    expect(mappedItems(updated.servers[0]!).map((i) => i.nodeId)).toEqual(['ns=1;s=T']);
    const added = withEndpoint(updated, { name: 'line2', endpointUrl: 'opc.tcp://plc3:4840', securityMode: 'None', securityPolicy: 'None', identity: { type: 'anonymous' } });
    expect(added.servers.map((s) => s.name)).toEqual(['line1', 'line2']);
    expect(check(OpcuaSettingsSchema, added).ok).toBe(true);
  });

  it('groups mapped variables by sampling interval and deadband, and moves a variable mapped again', () => {
    const base = (opcuaDraft(settings()) as { value: OpcuaDraft }).value;
    let draft = withMapping(base, { ...mapping, nodeId: 'ns=1;s=T', metric: 'temperature', unit: '°C', range: { low: 0, high: 150 } });
    draft = withMapping(draft, { ...mapping, nodeId: 'ns=1;s=S', metric: 'speed' });
    draft = withMapping(draft, { ...mapping, nodeId: 'ns=1;s=P', metric: 'pressure', deadband: { type: 'percent', value: 2 } });
    const server = draft.servers[0]!;
    expect(server.machines).toEqual({ 'press-1': { site: 'plant1', area: 'opcua' } });
    expect(server.subscriptions.map((s) => s.items.map((i) => i.metric))).toEqual([['temperature', 'speed'], ['pressure']]);
    expect(server.subscriptions[0]!.items[0]).toEqual({ nodeId: 'ns=1;s=T', machine: 'press-1', metric: 'temperature', unit: '°C', range: { low: 0, high: 150 } });
    expect(server.subscriptions[1]!.deadband).toEqual({ type: 'percent', value: 2 });

    // the pressure moves to the first subscription's settings; its own empty subscription goes
    draft = withMapping(draft, { ...mapping, nodeId: 'ns=1;s=P', metric: 'pressure' });
    expect(draft.servers[0]!.subscriptions.map((s) => s.items.map((i) => i.metric))).toEqual([['temperature', 'speed', 'pressure']]);
    draft = withoutMapping(draft, 'line1', 'ns=1;s=S');
    expect(mappedItems(draft.servers[0]!).map((i) => i.metric)).toEqual(['temperature', 'pressure']);
    expect(check(OpcuaSettingsSchema, draft).ok).toBe(true);

    // the same metric twice is refused by the schema, naming where
    const twice = withMapping(draft, { ...mapping, nodeId: 'ns=1;s=Other', metric: 'temperature' });
    const checked = check(OpcuaSettingsSchema, twice);
    expect(!checked.ok && checked.issues).toEqual(['servers.0.subscriptions.0.items.2.metric: press-1/temperature is mapped twice']);
  });

  it('names a new Modbus device after those there are, valid as it stands', () => {
    const first = newModbusDevice([]);
    expect(first.name).toBe('device-1');
    expect(newModbusDevice([{ name: 'device-2' }]).name).toBe('device-3');
    expect(check(ModbusConfigSchema, { devices: [first] }).ok).toBe(true);
    expect(numberOf(' ')).toBeNaN();
    expect(numberOf('2.5')).toBe(2.5);
  });
});
