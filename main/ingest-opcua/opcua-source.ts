/**
 * The OPC UA edge of ingest: one node-opcua client per server, monitored items (never polling)
 * grouped per configured subscription, each change turned into a reading in the source's event
 * time. node-opcua recovers the session and re-creates the subscriptions after a lost connection;
 * this file turns its events into a state (a lost server raises a system alarm) and its values into
 * readings. The value rules live in opcua-values.ts.
 *
 * The client's own certificate is created on first use in the PKI folder. Server certificates are
 * never trusted by default: an unknown one lands in the rejected folder until an engineer trusts it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AttributeIds,
  BrowseDirection,
  ClientMonitoredItemGroup,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  MessageSecurityMode,
  NodeClass,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  readUAAnalogItem,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  type UserIdentityInfo,
} from 'node-opcua';
import type { QualityMark, QuarantineEntry } from '../../common/telemetry';
import type { Quarantine } from '../ingest/quarantine';
import { SourceEvents } from '../ingest/source-events';
import { Listeners } from '../primitives/listeners';
import type { OpcuaConfig, OpcuaServerConfig, OpcuaSubscriptionConfig } from './opcua-config';
import { completeDer, listPem, pemToDer, thumbprintOf, type CertificateInfo } from './certificate-files';
import { DataValueView } from './data-value-view';
import { acceptValue, toQualityMark, type Accepted } from './opcua-values';
import { PendingRows } from './pending-rows';
import { gateCertificateChecks, type TrustGate } from './trust-gate';
import type { WallMs } from '../../common/time';

export type ServerState = 'connecting' | 'ok' | 'lost' | 'stopped';

export interface ServerStatus {
  name: string;
  endpoint: string;
  state: ServerState;
  lastError: string | null;
  /** Items the server refused (unknown node, wrong attribute). */
  refusedItems: number;
  notifications: number;
}

export interface BrowseEntry {
  nodeId: string;
  browseName: string;
  displayName: string;
  nodeClass: string;
}

export interface VariableInfo {
  nodeId: string;
  unit: string | null;
  range: { low: number; high: number } | null;
}

export interface OpcuaSourceOptions {
  config: OpcuaConfig;
  /** Used when the config names no PKI folder. */
  pkiDir: string;
  quarantine: Quarantine;
  clock?: () => WallMs;
  /** Delay before a refused connection (certificate, user) is tried again. */
  retryMs?: number;
  readFile?: (path: string) => Buffer;
}

const EMPTY = new Uint8Array(0);

/** Its state is one server's status; onOffline: a server is lost, and its machines offline until it is back. */
export class OpcuaSource extends SourceEvents<ServerStatus> {
  private readonly connections: ServerConnection[];
  private readonly certificates: OPCUACertificateManager;
  private readonly trustGate: TrustGate;
  readonly markListeners = new Listeners<[QualityMark[]]>((e) => this.listenerFailed(e));

  constructor(readonly options: OpcuaSourceOptions) {
    super('opcua');
    this.certificates = new OPCUACertificateManager({ rootFolder: options.config.pkiDir ?? options.pkiDir, automaticallyAcceptUnknownCertificate: false });
    this.trustGate = gateCertificateChecks(this.certificates);
    this.connections = options.config.servers.map((s) => new ServerConnection(s, this, this.certificates));
  }

  /** Bad and Uncertain values, as they arrive: stored and shown marked, never handed on as readings. */
  onMarks(listener: (marks: QualityMark[]) => void): () => void {
    return this.markListeners.add(listener);
  }

  status(): ServerStatus[] {
    return this.connections.map((c) => c.status());
  }

  async start(): Promise<void> {
    await this.certificates.initialize();
    for (const c of this.connections) c.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.stop()));
    await this.certificates.dispose();
  }

  /** Children of a node (the Objects folder when none is given) on a connected server. */
  async browse(server: string, nodeId?: string): Promise<BrowseEntry[]> {
    return this.connection(server).browse(nodeId ?? 'ns=0;i=85');
  }

  /** A variable's unit and range from its EUInformation and EURange properties, where it has them. */
  async describe(server: string, nodeId: string): Promise<VariableInfo> {
    return this.connection(server).describe(nodeId);
  }

  /** This client's own certificate (for the server's administrator to trust), and the server certificates trusted and rejected. */
  certificateStore(): { own: CertificateInfo | null; trusted: CertificateInfo[]; rejected: CertificateInfo[] } {
    const root = this.certificates.rootDir;
    const own = listPem(join(root, 'own', 'certs'))[0] ?? null;
    return { own, trusted: listPem(join(root, 'trusted', 'certs')), rejected: listPem(join(root, 'rejected')) };
  }

  /** Trusts a server certificate that was rejected; the next connection attempt uses it. */
  async trust(thumbprint: string): Promise<CertificateInfo> {
    const found = this.certificateStore().rejected.find((c) => c.thumbprint === thumbprint.toLowerCase());
    if (!found) throw new Error(`no rejected server certificate with thumbprint ${thumbprint}`);
    const der = completeDer(readFileSync(found.file));
    if (!der || thumbprintOf(der) !== found.thumbprint) throw new Error(`the rejected server certificate ${thumbprint} changed while it was read; list the certificates again`);
    await this.trustGate.trust(der);
    for (const c of this.connections) c.retrySoon();
    return found;
  }

  private connection(name: string): ServerConnection {
    const c = this.connections.find((x) => x.config.name === name);
    if (!c) throw new Error(`no OPC UA server named ${name}`);
    return c;
  }
}

interface Mapped {
  machine: string;
  metric: string;
  /** Whether the last value of this item was refused: a spell of bad values is quarantined once. */
  failing: boolean;
}

class ServerConnection {
  private client: OPCUAClient | null = null;
  private session: ClientSession | null = null;
  private running = false;
  private stateNow: ServerState = 'connecting';
  private error: string | null = null;
  private refused = 0;
  private notifications = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt: Promise<void> = Promise.resolve();
  /** The changes of the publish response being handled, handed on together. */
  private readonly pending = new PendingRows();
  private flushScheduled = false;
  /** The clock when the first change of the pending batch arrived. */
  private batchNow: WallMs = 0;
  /** Reused for every change: the DataValue being judged, and the value accepted from it. */
  private readonly view = new DataValueView();
  private readonly accepted: Accepted = { value: 0, ts: 0 };
  private readonly clock: () => WallMs;

  constructor(
    readonly config: OpcuaServerConfig,
    private readonly source: OpcuaSource,
    private readonly certificates: OPCUACertificateManager,
  ) {
    this.clock = source.options.clock ?? Date.now;
  }

  status(): ServerStatus {
    return { name: this.config.name, endpoint: this.config.endpointUrl, state: this.stateNow, lastError: this.error, refusedItems: this.refused, notifications: this.notifications };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const items = this.config.subscriptions.flatMap((sub) => sub.items);
    for (const id of this.machineIds()) {
      const m = this.config.machines[id];
      const eng = Object.fromEntries(items.filter((i) => i.machine === id && (i.unit !== undefined || i.range !== undefined)).map((i) => [i.metric, { ...(i.unit !== undefined && { unit: i.unit }), ...(i.range && { display: i.range }) }]));
      this.source.metaListeners.emit({ id, site: m?.site ?? 'plant1', area: m?.area ?? 'opcua', name: m?.name ?? id, ...(m?.type !== undefined && { type: m.type }), protocol: 'opcua', ...(Object.keys(eng).length > 0 && { eng }) });
    }
    this.attempt = this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.attempt;
    await this.close();
    this.setState('stopped');
  }

  retrySoon(): void {
    if (!this.running || this.client || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = this.connect();
  }

  private machineIds(): string[] {
    return [...new Set(this.config.subscriptions.flatMap((s) => s.items.map((i) => i.machine)))];
  }

  private async connect(): Promise<void> {
    const cfg = this.config;
    const client = OPCUAClient.create({
      applicationName: this.source.options.config.applicationName,
      securityMode: MessageSecurityMode[cfg.securityMode],
      securityPolicy: SecurityPolicy[cfg.securityPolicy],
      endpointMustExist: false,
      clientCertificateManager: this.certificates,
      keepSessionAlive: true,
      // after a first connection node-opcua reconnects on its own, restoring the session and its subscriptions
      connectionStrategy: { maxRetry: -1, initialDelay: 500, maxDelay: 10_000 },
    });
    this.client = client;
    let failedAttempts = 0;
    client.on('backoff', () => {
      failedAttempts++;
      if (failedAttempts === 1) this.error = `cannot reach ${cfg.endpointUrl}, retrying`;
      if (failedAttempts >= 3) this.lost(`no answer from ${cfg.endpointUrl} after ${failedAttempts} attempts`);
    });
    client.on('connection_lost', () => this.lost(`connection to ${cfg.endpointUrl} lost`));
    client.on('connection_reestablished', () => {
      failedAttempts = 0;
    });
    try {
      await withTimeout(client.connect(cfg.endpointUrl), 60_000, 'connect');
      const session = await client.createSession(this.identity());
      this.session = session;
      session.on('session_restored', () => this.setState('ok'));
      for (const sub of cfg.subscriptions) await this.subscribe(session, sub);
      failedAttempts = 0;
      this.setState('ok');
    } catch (err) {
      // a refused certificate or user ends here, as does a server that is not there: a fresh client is tried later
      this.lost((err as Error).message);
      await this.close();
      if (this.running) this.retryTimer = setTimeout(() => (this.attempt = this.connect()), this.source.options.retryMs ?? 10_000);
    }
  }

  private identity(): UserIdentityInfo {
    const id = this.config.identity;
    const read = this.source.options.readFile ?? ((p: string) => readFileSync(p));
    if (id.type === 'username') return { type: UserTokenType.UserName, userName: id.username, password: id.password };
    if (id.type === 'certificate') return { type: UserTokenType.Certificate, certificateData: pemToDer(read(id.certFile)), privateKey: read(id.keyFile).toString('utf8') };
    return { type: UserTokenType.Anonymous };
  }

  private async subscribe(session: ClientSession, sub: OpcuaSubscriptionConfig): Promise<void> {
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: sub.publishingIntervalMs,
      requestedLifetimeCount: 100,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    });
    const filter =
      sub.deadband.type === 'none'
        ? null
        : new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: sub.deadband.type === 'absolute' ? DeadbandType.Absolute : DeadbandType.Percent, deadbandValue: sub.deadband.value });
    const mapped: Mapped[] = sub.items.map((i) => ({ machine: i.machine, metric: i.metric, failing: false }));
    const group = ClientMonitoredItemGroup.create(
      subscription as ClientSubscription,
      sub.items.map((i) => ({ nodeId: i.nodeId, attributeId: AttributeIds.Value })),
      { samplingInterval: sub.samplingIntervalMs, queueSize: sub.queueSize, discardOldest: true, ...(filter && { filter }) },
      TimestampsToReturn.Both,
    );
    await new Promise<void>((resolve, reject) => {
      group.once('initialized', () => resolve());
      group.once('err', (e: unknown) => reject(new Error(`monitored items refused: ${String(e)}`)));
    });
    group.monitoredItems.forEach((item, i) => {
      const status = item.statusCode;
      if (status && !status.isGood()) {
        this.refused++;
        this.reject(sub.items[i]!.nodeId, 'unknown_shape', `the server refused the item: ${status.name}`);
      }
    });
    group.on('changed', (_item: unknown, dataValue: DataValue, index: number) => this.changed(mapped[index], sub.items[index]?.nodeId ?? '?', dataValue));
  }

  private changed(mapped: Mapped | undefined, nodeId: string, dv: DataValue): void {
    if (!mapped) return;
    this.notifications++;
    // one clock reading per publish response: its changes are handled in one turn of the event loop
    const now = this.flushScheduled ? this.batchNow : (this.batchNow = this.clock());
    const view = this.view;
    view.dv = dv;
    const refused = acceptValue(view, now, this.accepted);
    if (refused) {
      const mark = refused.reason === 'bad_quality' ? toQualityMark(view, now, { machineId: mapped.machine, sensor: mapped.metric }) : null;
      if (mark) this.source.markListeners.emit([mark]);
      if (!mapped.failing) this.reject(nodeId, refused.reason, `${mapped.machine}/${mapped.metric}: ${refused.detail}`);
      mapped.failing = true;
      return;
    }
    mapped.failing = false;
    this.pending.add(mapped.machine, this.accepted.ts, mapped.metric, this.accepted.value);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Changes of one machine with one source time become one reading (one stored row per machine and time). */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending.take(this.clock());
    if (batch.length > 0) this.source.readingListeners.emit(batch, 'opcua');
  }

  async browse(nodeId: string): Promise<BrowseEntry[]> {
    const session = this.requireSession();
    const result = await session.browse({ nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, nodeClassMask: 0, resultMask: 63 });
    if (!result.statusCode.isGood()) throw new Error(`browse ${nodeId}: ${result.statusCode.name}`);
    return (result.references ?? []).map((r) => ({ nodeId: r.nodeId.toString(), browseName: r.browseName.toString(), displayName: r.displayName.text ?? r.browseName.name ?? '', nodeClass: NodeClass[r.nodeClass] ?? String(r.nodeClass) }));
  }

  async describe(nodeId: string): Promise<VariableInfo> {
    const session = this.requireSession();
    const info = await readUAAnalogItem(session, nodeId).catch(() => null);
    // readUAAnalogItem types its fields as Variants; at run time they are the decoded EUInformation and Range
    const eu = info?.engineeringUnits as unknown as { displayName?: { text?: string | null } } | null | undefined;
    const range = info?.engineeringUnitsRange as unknown as { low: number; high: number } | null | undefined;
    return { nodeId, unit: eu?.displayName?.text ?? null, range: range && Number.isFinite(range.low) && Number.isFinite(range.high) ? { low: range.low, high: range.high } : null };
  }

  private requireSession(): ClientSession {
    if (!this.session || this.stateNow !== 'ok') throw new Error(`OPC UA server ${this.config.name} is not connected (${this.stateNow})`);
    return this.session;
  }

  private async close(): Promise<void> {
    const client = this.client;
    const session = this.session;
    this.client = null;
    this.session = null;
    await session?.close(true).catch(() => undefined);
    await client?.disconnect().catch(() => undefined);
  }

  private lost(message: string): void {
    this.error = message;
    if (this.stateNow === 'lost') return;
    this.setState('lost');
    for (const id of this.machineIds()) this.source.offlineListeners.emit(id);
  }

  private reject(nodeId: string, reason: QuarantineEntry['reason'], detail: string): void {
    const topic = `${this.config.endpointUrl}#${nodeId}`;
    this.source.rejectedListeners.emit(this.source.options.quarantine.reject(topic, EMPTY, reason, detail, this.clock()));
  }

  private setState(state: ServerState): void {
    if (state === this.stateNow) return;
    this.stateNow = state;
    if (state === 'ok') this.error = null;
    this.source.stateListeners.emit(this.status());
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

export type { CertificateInfo } from './certificate-files';
