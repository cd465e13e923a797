/**
 * The Modbus TCP edge of ingest: one connection per device, its blocks polled on their own periods,
 * the values of all blocks due at one moment merged into one reading (one stored row per machine
 * and time). The planning and decoding live in register-plan.ts and decode-registers.ts; this file
 * does the I/O, the time-outs, the back-off and the device's state.
 *
 * Modbus carries no timestamps: a reading's event time is the moment its first answer arrived.
 */
import ModbusRTU from 'modbus-serial';
import { Backoff, type BackoffOptions } from '../ingest/backoff';
import type { Quarantine } from '../ingest/quarantine';
import { SourceEvents } from '../ingest/source-events';
import { decodePoint } from './decode-registers';
import type { ModbusBlock, ModbusDevice } from './modbus-config';
import { planReads, type PlannedRead } from './register-plan';
import { eventFromWall, type EventMs, type WallMs } from '../../common/time';

/** connecting: never answered yet; ok: the last poll answered; lost: lostAfterFailures polls in a row failed. */
export type DeviceState = 'connecting' | 'ok' | 'lost' | 'stopped';

export interface DeviceStatus {
  name: string;
  endpoint: string;
  machineId: string;
  state: DeviceState;
  lastError: string | null;
  polls: number;
  failedPolls: number;
  /** Reads that the device answered with a Modbus exception (a block out of range, say). */
  exceptions: number;
}

export interface ModbusSourceOptions {
  devices: readonly ModbusDevice[];
  quarantine: Quarantine;
  clock?: () => WallMs;
  backoff?: BackoffOptions;
}

interface BlockPlan {
  block: ModbusBlock;
  reads: PlannedRead[];
  due: number;
}

/** Its state is one device's status; onOffline: a device is lost, and its machine offline until it answers again. */
export class ModbusSource extends SourceEvents<DeviceStatus> {
  private readonly pollers: DevicePoller[];

  constructor(options: ModbusSourceOptions) {
    super('modbus');
    const clock = options.clock ?? Date.now;
    this.pollers = options.devices.map((device) => new DevicePoller(device, this, options.quarantine, clock, options.backoff));
  }

  status(): DeviceStatus[] {
    return this.pollers.map((p) => p.status());
  }

  start(): void {
    for (const p of this.pollers) p.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
  }
}

const EMPTY = new Uint8Array(0);

class DevicePoller {
  private client: ModbusRTU | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stateNow: DeviceState = 'connecting';
  private error: string | null = null;
  private polls = 0;
  private failedPolls = 0;
  private exceptions = 0;
  private failuresInRow = 0;
  private lastTs: EventMs = 0;
  /** Whether the device answered anything (values or an exception) in the current cycle. */
  private alive = false;
  private exceptionInCycle = false;
  private readonly plans: BlockPlan[];
  private readonly backoff: Backoff;
  /** Reads that answered with an exception last time: quarantined once per spell, not once per poll. */
  private readonly failingReads = new Set<PlannedRead>();
  private readonly endpoint: string;
  private cycle: Promise<void> = Promise.resolve();

  constructor(
    private readonly device: ModbusDevice,
    private readonly source: ModbusSource,
    private readonly quarantine: Quarantine,
    private readonly clock: () => WallMs,
    backoff?: BackoffOptions,
  ) {
    this.backoff = new Backoff(backoff);
    this.plans = device.blocks.map((block) => ({ block, reads: planReads(block, device.maxGap), due: 0 }));
    this.endpoint = `modbus://${device.host}:${device.port}/${device.unitId}`;
  }

  status(): DeviceStatus {
    return { name: this.device.name, endpoint: this.endpoint, machineId: this.device.machine.id, state: this.stateNow, lastError: this.error, polls: this.polls, failedPolls: this.failedPolls, exceptions: this.exceptions };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const m = this.device.machine;
    const eng = Object.fromEntries(this.device.blocks.flatMap((b) => b.points.filter((p) => p.unit !== undefined).map((p) => [p.metric, { unit: p.unit }])));
    this.source.metaListeners.emit({ id: m.id, site: m.site, area: m.area, name: m.name ?? m.id, ...(m.type !== undefined && { type: m.type }), protocol: 'modbus', ...(Object.keys(eng).length > 0 && { eng }) });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.cycle;
    this.disconnect();
    this.setState('stopped');
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.cycle = this.runCycle().catch((err: Error) => {
        this.error = `poll cycle failed: ${err.message}`;
      });
    }, delayMs);
  }

  private async runCycle(): Promise<void> {
    if (!this.client) {
      try {
        this.client = await this.connect();
      } catch (err) {
        this.failed(`cannot connect to ${this.device.host}:${this.device.port}: ${(err as Error).message}`);
        this.schedule(this.backoff.next());
        return;
      }
    }
    const now = this.clock();
    const due = this.plans.filter((p) => p.due <= now);
    const metrics: Record<string, number> = {};
    let values = 0;
    let answeredAt: WallMs | null = null;
    let lostConnection = false;
    this.alive = false;
    this.exceptionInCycle = false;
    for (const plan of due) {
      // the next poll is counted from the planned time, so a slow device does not drift its period
      plan.due = Math.max(plan.due + plan.block.pollMs, now);
      for (const read of plan.reads) {
        if (!this.running) return;
        const outcome = await this.read(read);
        if (outcome === 'lost') {
          lostConnection = true;
          break;
        }
        if (outcome === null) continue;
        answeredAt ??= this.clock();
        for (const { point, at } of read.points) {
          const value = decodePoint(point, outcome.words, outcome.bits, at);
          if (value !== null && Number.isFinite(value)) {
            metrics[point.metric] = value;
            values++;
          } else if (value !== null) this.reject(read, 'non_finite', `${point.metric} decoded to ${value} (a float32 NaN or infinity)`);
        }
      }
      if (lostConnection) break;
    }
    if (!this.running) return;
    if (answeredAt !== null && values > 0) {
      // one row per machine and time in the store: a second reading in the same millisecond would replace the first
      const ts = Math.max(eventFromWall(answeredAt), this.lastTs + 1);
      this.lastTs = ts;
      this.source.readingListeners.emit([{ machineId: this.device.machine.id, ts, metrics, receivedAt: answeredAt }], 'modbus');
    }
    if (lostConnection) {
      this.disconnect();
      this.schedule(this.backoff.next());
      return;
    }
    if (due.length > 0 && this.alive) {
      this.polls++;
      this.failuresInRow = 0;
      if (!this.exceptionInCycle) this.error = null;
      this.backoff.reset();
      this.setState('ok');
    }
    const next = Math.min(...this.plans.map((p) => p.due));
    this.schedule(Math.max(0, next - this.clock()));
  }

  /** The read's words or bits; null after a Modbus exception; 'lost' when the device did not answer. */
  private async read(read: PlannedRead): Promise<{ words: number[] | null; bits: boolean[] | null } | null | 'lost'> {
    const client = this.client!;
    try {
      const result = await readTable(client, read);
      this.alive = true;
      this.failingReads.delete(read);
      return result;
    } catch (err) {
      const e = err as Error & { modbusCode?: number };
      if (typeof e.modbusCode === 'number') {
        // the device is there and said no: this block is wrong, the others go on
        this.alive = true;
        this.exceptionInCycle = true;
        this.exceptions++;
        if (!this.failingReads.has(read)) {
          this.failingReads.add(read);
          this.reject(read, 'source_error', `Modbus exception ${e.modbusCode} (${e.message}) reading ${read.table} ${read.start}..${read.start + read.length - 1}`);
        }
        this.error = `${read.table} ${read.start}+${read.length}: ${e.message}`;
        return null;
      }
      this.failed(`${read.table} ${read.start}+${read.length}: ${e.message}`);
      return 'lost';
    }
  }

  private async connect(): Promise<ModbusRTU> {
    const client = new ModbusRTU();
    client.setTimeout(this.device.timeoutMs);
    await client.connectTCP(this.device.host, { port: this.device.port, timeout: this.device.timeoutMs } as Parameters<ModbusRTU['connectTCP']>[1]);
    client.setID(this.device.unitId);
    this.failingReads.clear();
    return client;
  }

  private disconnect(): void {
    const client = this.client;
    this.client = null;
    if (!client) return;
    try {
      client.close(() => undefined);
    } catch {
      // a socket that is already gone has nothing to close
    }
  }

  private failed(message: string): void {
    this.error = message;
    this.failedPolls++;
    this.failuresInRow++;
    if (this.failuresInRow >= this.device.lostAfterFailures && this.stateNow !== 'lost') {
      this.setState('lost');
      this.source.offlineListeners.emit(this.device.machine.id);
    }
  }

  private reject(read: PlannedRead, reason: 'source_error' | 'non_finite', detail: string): void {
    const topic = `${this.endpoint}/${read.table}/${read.start}+${read.length}`;
    this.source.rejectedListeners.emit(this.quarantine.reject(topic, EMPTY, reason, detail, this.clock()));
  }

  private setState(state: DeviceState): void {
    if (state === this.stateNow) return;
    this.stateNow = state;
    if (state === 'ok') this.error = null;
    this.source.stateListeners.emit(this.status());
  }
}

async function readTable(client: ModbusRTU, read: PlannedRead): Promise<{ words: number[] | null; bits: boolean[] | null }> {
  switch (read.table) {
    case 'holding':
      return { words: (await client.readHoldingRegisters(read.start, read.length)).data, bits: null };
    case 'input':
      return { words: (await client.readInputRegisters(read.start, read.length)).data, bits: null };
    case 'coil':
      return { words: null, bits: (await client.readCoils(read.start, read.length)).data };
    case 'discrete':
      return { words: null, bits: (await client.readDiscreteInputs(read.start, read.length)).data };
  }
}
