/**
 * Configuration: defaults, then the config file, then command-line flags. Everything is validated
 * with one schema so that a typo in the file is a clear error at start, not a surprise at 3 a.m.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { canonicalTimeZone, timeZoneProblem } from '../common/plant-time';
import { ConditionParamsSchema } from './inference/condition/condition-params';
import { ModbusConfigSchema } from './ingest-modbus/modbus-config';
import { HistorianConfigSchema } from './historian/historian-config';
import { DiagnosticsConfigSchema } from './diagnostics/diagnostics-config';
import { OpcuaConfigSchema } from './ingest-opcua/opcua-config';

const TlsSchema = z
  .object({
    caFile: z.string().optional(),
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
    rejectUnauthorized: z.boolean().default(true),
  })
  .strict();

export const ConfigSchema = z
  .object({
    dataDir: z.string().default('.data'),
    /** The plant's own clock: shifts, "today", tariffs and reports follow it, daylight saving included. */
    plant: z
      .object({
        /** IANA time zone name, e.g. "Europe/Berlin". */
        timeZone: z
          .string()
          .default('UTC')
          .superRefine((zone, ctx) => {
            const problem = timeZoneProblem(zone);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          })
          .transform((zone) => (timeZoneProblem(zone) ? zone : canonicalTimeZone(zone))),
        /** Local hours at which shifts begin, ascending. */
        shiftStartHours: z
          .array(z.number().int().min(0).max(23))
          .min(1)
          .max(6)
          .default([6, 14, 22])
          .refine((hours) => hours.every((h, i) => i === 0 || h > hours[i - 1]!), 'shift start hours must be ascending and distinct'),
      })
      .strict()
      .prefault({}),
    /** The engineer's log files (JSON lines, one file a day). */
    logs: z
      .object({
        /** Default <dataDir>/logs. */
        dir: z.string().min(1).optional(),
        retentionDays: z.number().int().min(1).max(3650).default(30),
      })
      .strict()
      .prefault({}),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8740),
        /** Names browsers use to reach a host bound beyond loopback (DNS-rebinding protection). */
        allowedHosts: z.array(z.string().min(1).max(253)).default([]),
        /** Certificate and key (PEM files) for https/wss; required when bound beyond loopback. */
        tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).strict().optional(),
        /** Explicitly accept plain http/ws beyond loopback (passwords and tokens in clear on the network). */
        insecure: z.boolean().default(false),
        /** Login attempts (login, setup, unlock) each remote address may make: a burst, then one per interval. */
        loginBurst: z.number().int().min(1).max(1000).default(10),
        loginRefillMs: z.number().int().min(1).max(3_600_000).default(6_000),
      })
      .strict()
      .prefault({}),
    broker: z
      .object({
        /** null: run the embedded broker and the plant simulator. */
        url: z.string().url().nullable().default(null),
        username: z.string().optional(),
        password: z.string().optional(),
        clientId: z.string().min(1).max(128).optional(),
        tls: TlsSchema.optional(),
        /** Port of the embedded broker on 127.0.0.1; 0 picks a free one. */
        embeddedPort: z.number().int().min(0).max(65535).default(1883),
        /**
         * Whether local clients without the app's credentials may publish device data to the embedded
         * broker (simulators, replays). They never reach alarm state or machine commands either way.
         */
        embeddedAnonymousDevices: z.boolean().default(true),
        topics: z.array(z.string().min(1)).min(1).default(['factory/+/+/+/telemetry', 'factory/+/+/+/meta', 'spBv1.0/#']),
      })
      .strict()
      .prefault({}),
    simulator: z
      .object({
        /** Runs only with the embedded broker unless forced on. */
        enabled: z.boolean().optional(),
        machines: z.number().int().min(1).max(5000).default(24),
        rateHz: z.number().positive().max(100).default(1),
        faultsPerMachinePerDay: z.number().min(0).max(1000).default(0.5),
        seed: z.number().int().default(7),
        site: z.string().regex(/^[A-Za-z0-9_-]+$/).default('plant1'),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        /** A session idle this long locks (alarms keep sounding); null: it ends after 12 h instead. */
        lockAfterMinutes: z.number().positive().max(24 * 60).nullable().default(15),
        /** A session ends this long after its login, locked, idle or busy: a shift, not a week. */
        sessionMaxHours: z.number().positive().max(7 * 24).default(12),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        maxPayloadBytes: z.number().int().min(256).max(16 * 1024 * 1024).default(256 * 1024),
        quarantineSize: z.number().int().min(10).max(100_000).default(1000),
        /** A sensor is stale when nothing arrived for this long (and for at least 3 of its own periods). */
        staleAfterMs: z.number().int().min(100).default(10_000),
        /**
         * At light traffic (below about 1,500 messages/s) the broker connection is read at most this
         * often, in bursts: one wake-up for many messages. Adds at most this much latency there;
         * heavier traffic is read as it comes. 0 reads every message as it comes.
         */
        readCoalesceMs: z.number().int().min(0).max(1000).default(100),
        /**
         * What the network may make this console remember: new machines and sensors beyond these are
         * quarantined ('cardinality') and raise a system alarm; known ones keep flowing.
         */
        maxMachines: z.number().int().min(1).max(100_000).default(2_000),
        maxSensorsPerMachine: z.number().int().min(1).max(4_096).default(64),
        /** Sparkplug edge nodes and devices per node remembered; beyond them messages are refused, not answered. */
        sparkplugMaxNodes: z.number().int().min(1).max(100_000).default(1_000),
        sparkplugMaxDevicesPerNode: z.number().int().min(1).max(100_000).default(1_000),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        rawDays: z.number().positive().default(7),
        minuteDays: z.number().positive().default(90),
        hourDays: z.number().positive().default(5 * 365),
        /**
         * Under light load (below 1,000 readings/s) telemetry is committed at least this often: at most
         * this much QoS 0 telemetry is lost on power loss. Heavier load commits every 100 ms.
         */
        flushMs: z.number().int().min(1).max(10_000).default(1000),
        backupHourUtc: z.number().int().min(0).max(23).nullable().default(2),
        backupKeep: z.number().int().min(1).max(365).default(7),
      })
      .strict()
      .prefault({}),
    alarms: z
      .object({
        /** Consoles with the same site on the same broker share acks, shelves and notes. */
        site: z.string().regex(/^[A-Za-z0-9_-]+$/).default('plant1'),
        /** This console's name in the alarm journal; the host name when not given. */
        console: z.string().min(1).max(128).optional(),
        sync: z.boolean().default(true),
        /** Remaining useful life under this raises a predictive alarm. */
        spareLeadTimeHours: z.number().positive().max(10_000).default(168),
        /** Machine health below this raises the health alarm (the condition monitor's 0..100 score). */
        healthLimit: z.number().min(1).max(99).default(70),
        maxShelveHours: z.number().positive().max(24).default(12),
        /** After a machine starts, a low limit waits this long at most for its value to come up (warm-up); 0 = not at all. */
        startupArmingMinutes: z.number().min(0).max(1440).default(60),
        /** The site key that signs shared alarm actions (hex, 0600); default <dataDir>/alarm-sync.key, made on first start. */
        syncKeyFile: z.string().min(1).optional(),
        /** Another console's action dated more than this ahead of our clock is refused. */
        syncMaxSkewSeconds: z.number().int().min(1).max(3600).default(300),
        /** Actions held for alarms not raised here yet; beyond this the oldest is dropped. */
        syncMaxPending: z.number().int().min(10).max(1_000_000).default(10_000),
      })
      .strict()
      .prefault({}),
    /**
     * The condition monitor's parameters beyond the model manifest's (a plant that wants a longer or
     * shorter learning period, or a test that cannot wait two days). Each key is validated as in the manifest.
     */
    conditionMonitor: ConditionParamsSchema.partial().strict().prefault({}),
    /** Modbus TCP devices polled into the same reading path as MQTT (main/ingest-modbus). */
    modbus: ModbusConfigSchema.prefault({}),
    /** OPC UA servers whose monitored items feed the same reading path (main/ingest-opcua). */
    opcua: OpcuaConfigSchema.prefault({}),
    /** Store and forward to PostgreSQL/TimescaleDB (main/historian); off while url is null. */
    historian: HistorianConfigSchema.prefault({}),
    /** The diagnostics screen's window and the thresholds of the alarms that follow from it (main/diagnostics). */
    diagnostics: DiagnosticsConfigSchema.prefault({}),
    voice: z
      .object({
        /** For hosts without an encrypted secret store (headless); the desktop keeps the key with safeStorage. */
        elevenlabsApiKey: z.string().min(8).optional(),
        /** A proxy, or a fake server in tests; the SDK's own default otherwise. */
        elevenlabsBaseUrl: z.string().url().optional(),
        /** The offline voice's program: a name on PATH or a path to a copy shipped beside the app. */
        espeakCommand: z.string().min(1).default('espeak-ng'),
        espeakVoice: z.string().regex(/^[A-Za-z0-9_+-]+$/).default('en'),
        cacheMaxMb: z.number().positive().max(10_000).default(200),
      })
      .strict()
      .prefault({}),
    agents: z
      .object({
        enabled: z.boolean().default(true),
        /** Machine commands go here after an operator approves them; <site>, <area>, <machine> are filled in. */
        commands: z.object({ topicTemplate: z.string().min(1).default('factory/<site>/<area>/<machine>/command'), qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1) }).strict().prefault({}),
        emissions: z
          .object({
            /** kg CO2 per kWh of the local grid (location-based, GHG Protocol Scope 2); set it for the plant's grid. */
            locationKgPerKwh: z.number().min(0).max(2).default(0.5),
            /** kg CO2 per kWh under the plant's supply contracts (market-based); null when not known. */
            marketKgPerKwh: z.number().min(0).max(2).nullable().default(null),
          })
          .strict()
          .prefault({}),
        tariff: z
          .object({
            currency: z.string().min(1).max(8).default('EUR'),
            defaultPrice: z.number().min(0).default(0.2),
            periods: z
              .array(z.object({ name: z.string().min(1), price: z.number().min(0), days: z.array(z.number().int().min(0).max(6)), fromHour: z.number().int().min(0).max(23), toHour: z.number().int().min(0).max(24) }).strict())
              .default([
                { name: 'peak', price: 0.3, days: [1, 2, 3, 4, 5], fromHour: 8, toHour: 20 },
                { name: 'off-peak', price: 0.12, days: [0, 1, 2, 3, 4, 5, 6], fromHour: 22, toHour: 6 },
              ]),
          })
          .strict()
          .prefault({}),
        /** Machine types whose work can wait for cheaper hours. */
        shiftableTypes: z.array(z.string()).default(['compressor']),
        standbyFactor: z.number().min(0).max(1).default(0.3),
        labourRate: z.number().min(0).default(60),
        /** Days of safety margin between an order's arrival and the predicted failure. */
        marginDays: z.number().min(0).max(60).default(2),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AppConfig = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export class ConfigError extends Error {}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Reads `<dataDir>/config.json` (or an explicit file) and applies overrides; throws ConfigError with every problem named. */
export function loadConfig(options: { file?: string; overrides?: ConfigInput; cwd?: string } = {}): AppConfig {
  const cwd = options.cwd ?? process.cwd();
  const overrides = options.overrides ?? {};
  const dataDir = resolve(cwd, overrides.dataDir ?? '.data');
  const file = options.file ? resolve(cwd, options.file) : join(dataDir, 'config.json');
  let fromFile: unknown = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
    }
  } else if (options.file) {
    throw new ConfigError(`config file ${file} does not exist`);
  }
  const merged = deepMerge(fromFile, overrides);
  if (isPlainObject(merged) && isPlainObject(merged.agents) && 'utcOffsetMinutes' in merged.agents) {
    throw new ConfigError(`invalid configuration (${file}): agents.utcOffsetMinutes is replaced by plant.timeZone, an IANA name such as "Europe/Berlin" that knows its daylight saving`);
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(`invalid configuration (${file}): ${describe(parsed.error)}`);
  return { ...parsed.data, dataDir: resolve(cwd, parsed.data.dataDir) };
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = deepMerge(base[k], v);
  return out;
}
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The simulator runs by default only when we run our own broker: never publish fake data into a plant. */
export const simulatorEnabled = (config: AppConfig) => config.simulator.enabled ?? config.broker.url === null;
