/**
 * The plant's own systems beside MQTT: the Modbus TCP and OPC UA sources and the historian sink,
 * started from config.json and re-started when an engineer changes their settings (kept in the
 * store's settings table, which then wins over config.json). Secrets never travel in a settings
 * object the router audits: passwords have calls of their own, whose top-level password the audit
 * log redacts.
 */
import { join } from 'node:path';
import type { QualityMark, Reading } from '../../common/telemetry';
import type { AppConfig } from '../config';
import type { MachineMeta, Protocol } from '../ingest/decoded';
import type { Quarantine } from '../ingest/quarantine';
import { ModbusConfigSchema, type ModbusConfig } from '../ingest-modbus/modbus-config';
import { ModbusSource } from '../ingest-modbus/modbus-source';
import { OpcuaConfigSchema, OpcuaSettingsSchema, type OpcuaConfig } from '../ingest-opcua/opcua-config';
import { OpcuaSource } from '../ingest-opcua/opcua-source';
import { Historian, historianAlarm } from '../historian/historian';
import { HistorianConfigSchema, type HistorianConfig } from '../historian/historian-config';
import { localOutbox } from '../historian/local-outbox';
import type { Db } from '../store/open-database';
import type { SettingsRepository } from '../store/settings';
import type { FieldSourceHealth, HistorianHealth } from '../../common/contract-connectors';
import type { WallMs } from '../../common/time';

export interface ConnectorsDeps {
  config: AppConfig;
  quarantine: Quarantine;
  /** The read-only connection the historian reads its buffer through. */
  historyDb: Db;
  settings: SettingsRepository;
  readings(batch: Reading[], protocol: Protocol): void;
  meta(meta: MachineMeta): void;
  offline(machineId: string): void;
  /** Bad and Uncertain values (OPC UA status codes): stored and shown marked, never scored. */
  marks(marks: QualityMark[], protocol: Protocol): void;
  log(message: string): void;
  now(): WallMs;
  defaultConsole: string;
}

const KEYS = { modbus: 'connectors.modbus', opcua: 'connectors.opcua', historian: 'connectors.historian' } as const;

export function createConnectors(deps: ConnectorsDeps) {
  const { log } = deps;
  const saved = <T>(key: string, parse: (v: unknown) => T, fallback: T): { value: T; from: 'config' | 'ui' } => {
    const raw = deps.settings.get(key);
    if (raw === undefined) return { value: fallback, from: 'config' };
    try {
      return { value: parse(raw), from: 'ui' };
    } catch (err) {
      // a stored setting that no longer validates (an older version wrote it) falls back, loudly
      log(`connectors: saved ${key} is not valid any more, using config.json: ${(err as Error).message}`);
      return { value: fallback, from: 'config' };
    }
  };
  let modbusCfg = saved(KEYS.modbus, (v) => ModbusConfigSchema.parse(v), deps.config.modbus);
  let opcuaCfg = saved(KEYS.opcua, (v) => OpcuaConfigSchema.parse(v), deps.config.opcua);
  let historianCfg = saved(KEYS.historian, (v) => HistorianConfigSchema.parse(v), deps.config.historian);

  let modbus: ModbusSource | null = null;
  let opcua: OpcuaSource | null = null;
  let historian: Historian | null = null;

  function startModbus(cfg: ModbusConfig) {
    if (cfg.devices.length === 0) return null;
    const source = new ModbusSource({ devices: cfg.devices, quarantine: deps.quarantine });
    source.onReadings(deps.readings);
    source.onMeta(deps.meta);
    source.onOffline(deps.offline);
    source.onState((d) => log(`modbus ${d.name} ${d.endpoint}: ${d.state}${d.lastError ? ` (${d.lastError})` : ''}`));
    source.start();
    return source;
  }
  function startOpcua(cfg: OpcuaConfig) {
    if (cfg.servers.length === 0) return null;
    const source = new OpcuaSource({ config: cfg, pkiDir: join(deps.config.dataDir, 'pki', 'opcua'), quarantine: deps.quarantine });
    source.onReadings(deps.readings);
    source.onMeta(deps.meta);
    source.onOffline(deps.offline);
    source.onMarks((marks) => deps.marks(marks, 'opcua'));
    source.onState((s) => log(`opcua ${s.name} ${s.endpoint}: ${s.state}${s.lastError ? ` (${s.lastError})` : ''}`));
    source.start().catch((err: Error) => log(`opcua: certificate store not usable: ${err.message}`));
    return source;
  }
  function startHistorian(cfg: HistorianConfig) {
    if (!cfg.url) return null;
    const h = new Historian({ config: cfg, outbox: localOutbox(deps.historyDb), site: cfg.site ?? deps.config.alarms.site, console: cfg.console ?? deps.defaultConsole, now: deps.now, log });
    h.start();
    return h;
  }
  modbus = startModbus(modbusCfg.value);
  opcua = startOpcua(opcuaCfg.value);
  historian = startHistorian(historianCfg.value);

  const redactOpcua = (cfg: OpcuaConfig) => ({ ...cfg, servers: cfg.servers.map((s) => ({ ...s, identity: s.identity.type === 'username' ? { type: 'username' as const, username: s.identity.username, passwordSet: s.identity.password.length > 0 } : s.identity })) });

  return {
    /** Hot path: the historian notes readings that arrive behind what it already forwarded. */
    observe(batch: readonly Reading[]): void {
      historian?.observe(batch);
    },

    fieldSources(): FieldSourceHealth[] | undefined {
      if (!modbus && !opcua) return undefined;
      return [
        ...(modbus?.status() ?? []).map((d) => ({ protocol: 'modbus' as const, name: d.name, endpoint: d.endpoint, state: d.state, lastError: d.lastError })),
        ...(opcua?.status() ?? []).map((d) => ({ protocol: 'opcua' as const, name: d.name, endpoint: d.endpoint, state: d.state, lastError: d.lastError })),
      ];
    },

    historian(): HistorianHealth | undefined {
      if (!historian) return undefined;
      const st = historian.status();
      const { state, lastError, backlogRows, backlogCapped, backlogSeconds, forwardedValues, forwardedEvents, duplicatesSkipped } = st;
      return { state, lastError, backlogRows, backlogCapped, backlogSeconds, forwardedValues, forwardedEvents, duplicatesSkipped, alarm: historianAlarm(st, historianCfg.value, deps.now()) };
    },

    /** The settings as they apply now, without secrets; `from` says whether config.json or an engineer set them. */
    settings() {
      const { password, ...historianRest } = historianCfg.value;
      return {
        modbus: { ...modbusCfg.value, from: modbusCfg.from },
        opcua: { ...redactOpcua(opcuaCfg.value), from: opcuaCfg.from },
        historian: { ...historianRest, passwordSet: password !== undefined, from: historianCfg.from },
      };
    },

    async setModbus(input: unknown): Promise<void> {
      const value = ModbusConfigSchema.parse(input);
      await modbus?.stop();
      deps.settings.set(KEYS.modbus, value);
      modbusCfg = { value, from: 'ui' };
      modbus = startModbus(value);
    },

    /** Passwords are kept from the servers' current settings (same server and user name); setOpcuaPassword sets them. */
    async setOpcua(input: unknown): Promise<void> {
      const parsed = OpcuaSettingsSchema.parse(input);
      const servers = parsed.servers.map((s) => {
        const id = s.identity as { type: string; username?: string };
        if (id.type !== 'username') return s;
        const old = opcuaCfg.value.servers.find((o) => o.name === s.name && o.identity.type === 'username' && o.identity.username === id.username);
        return { ...s, identity: { type: 'username', username: id.username, password: old && old.identity.type === 'username' ? old.identity.password : '' } };
      });
      await applyOpcua(OpcuaConfigSchema.parse({ ...parsed, servers }));
    },

    async setOpcuaPassword(server: string, password: string): Promise<void> {
      const found = opcuaCfg.value.servers.find((s) => s.name === server);
      if (!found) throw new Error(`no OPC UA server named ${server}`);
      if (found.identity.type !== 'username') throw new Error(`OPC UA server ${server} does not log in with a user name`);
      await applyOpcua({ ...opcuaCfg.value, servers: opcuaCfg.value.servers.map((s) => (s === found ? { ...s, identity: { ...found.identity, password } as typeof s.identity } : s)) });
    },

    async setHistorian(input: unknown, password?: string | null): Promise<void> {
      const keep = password === undefined ? historianCfg.value.password : (password ?? undefined);
      const value = HistorianConfigSchema.parse({ ...(input as object), ...(keep !== undefined && { password: keep }) });
      await historian?.stop();
      deps.settings.set(KEYS.historian, value);
      historianCfg = { value, from: 'ui' };
      historian = startHistorian(value);
    },

    opcua(): OpcuaSource {
      if (!opcua) throw new Error('no OPC UA server is configured');
      return opcua;
    },

    async stop(): Promise<void> {
      await modbus?.stop();
      await opcua?.stop();
      await historian?.stop();
    },
  };

  async function applyOpcua(value: OpcuaConfig): Promise<void> {
    const checked = OpcuaConfigSchema.parse(value);
    await opcua?.stop();
    deps.settings.set(KEYS.opcua, checked);
    opcuaCfg = { value: checked, from: 'ui' };
    opcua = startOpcua(checked);
  }
}
export type Connectors = ReturnType<typeof createConnectors>;
