/**
 * Sparkplug B host-side decoding. Sparkplug is stateful: DATA messages may name metrics only by the
 * alias their BIRTH gave them, and every message of an edge node carries a sequence number
 * (0..255, wrapping) that shows whether anything was lost. So this decoder keeps, per edge node,
 * the birth certificate (aliases, bdSeq) and the next expected seq.
 *
 * Sequence policy: a message is always decoded and delivered (event time, not arrival order, is
 * what downstream uses). A skipped seq is counted once (sparkplug_sequence) and remembered; a late
 * arrival of a skipped seq heals it. A gap still open after `reorderWindow` further messages or
 * `reorderTimeoutMs` (checked on each message and by `tick`) means data was lost, and the node is
 * asked to rebirth, which resends every current value.
 *
 * DATA from a node or device with no BIRTH, or with an alias no BIRTH declared, cannot be
 * interpreted: it is quarantined (sparkplug_unborn) and a rebirth is requested. Rebirth requests
 * are rate-limited per node (`rebirthCooldownMs`) so a chatty unborn node cannot make us flood it.
 *
 * Effects are returned, not performed: the caller publishes the NCMDs. Time comes in as arguments.
 */
import { MAX_METRICS, type PublishAction } from './decoded';
import { codec, parseSparkplugTopic, rebirthRequest, toNumberOrNull, type MessageType, type Payload } from './sparkplug-codec';
import { birthEng, collectReadings, emptyOutput, note, type SparkplugOutput } from './sparkplug-metrics';
import type { WallMs } from '../../common/time';

export type { SparkplugOutput } from './sparkplug-metrics';

export interface SparkplugOptions {
  maxPayloadBytes: number;
  /** Messages after a gap before an unhealed gap counts as loss. */
  reorderWindow?: number;
  /** Wall time after a gap before an unhealed gap counts as loss. */
  reorderTimeoutMs?: number;
  /** Least wall time between two rebirth requests to the same edge node. */
  rebirthCooldownMs?: number;
  /** Edge nodes remembered; a message from a new one beyond this is refused ('cardinality') and not answered. */
  maxNodes?: number;
  /** Devices per edge node. */
  maxDevicesPerNode?: number;
  /** Aliases one BIRTH may declare, and metrics one message may carry (as for JSON). */
  maxMetrics?: number;
  /** Rebirth requests (NCMD) sent per second over all nodes: many unborn nodes cannot make us flood the broker. */
  maxRebirthsPerSecond?: number;
}

interface DeviceState {
  aliases: Map<number, string>;
}

interface NodeState {
  group: string;
  edge: string;
  id: string;
  born: boolean;
  bdSeq: number | null;
  expectedSeq: number;
  aliases: Map<number, string>;
  devices: Map<string, DeviceState>;
  /** Skipped seqs still awaited, with when and how many messages ago the oldest open gap was seen. */
  missing: Set<number>;
  gapAt: WallMs;
  sinceGap: number;
  lastRebirthAt: WallMs;
}

export class SparkplugDecoder {
  private readonly nodes = new Map<string, NodeState>();
  private readonly reorderWindow: number;
  private readonly reorderTimeoutMs: number;
  private readonly rebirthCooldownMs: number;
  private readonly maxNodes: number;
  private readonly maxDevices: number;
  private readonly maxMetrics: number;
  private readonly maxRebirths: number;
  private rebirthSecond = 0;
  private rebirthsThisSecond = 0;

  constructor(private readonly options: SparkplugOptions) {
    this.reorderWindow = options.reorderWindow ?? 5;
    this.reorderTimeoutMs = options.reorderTimeoutMs ?? 2_000;
    this.rebirthCooldownMs = options.rebirthCooldownMs ?? 5_000;
    this.maxNodes = options.maxNodes ?? 1_000;
    this.maxDevices = options.maxDevicesPerNode ?? 1_000;
    this.maxMetrics = options.maxMetrics ?? MAX_METRICS;
    this.maxRebirths = options.maxRebirthsPerSecond ?? 10;
  }

  /** Edge nodes remembered. */
  get nodeCount(): number {
    return this.nodes.size;
  }

  /** Decodes one message; never throws. */
  handle(topic: string, payload: Uint8Array, receivedAt: WallMs): SparkplugOutput {
    const out = emptyOutput();
    const parsed = parseSparkplugTopic(topic);
    if (parsed === 'ignore') return out;
    if (parsed === null) {
      out.rejections.push({ reason: 'unknown_topic', detail: 'expected spBv1.0/<group>/<type>/<edge>[/<device>]' });
      return out;
    }
    if (payload.byteLength > this.options.maxPayloadBytes) {
      out.rejections.push({ reason: 'oversized', detail: `${payload.byteLength} bytes > ${this.options.maxPayloadBytes}` });
      return out;
    }
    let decoded: Payload;
    try {
      decoded = codec.decodePayload(payload);
    } catch (err) {
      out.rejections.push({ reason: 'sparkplug_decode', detail: (err as Error).message });
      return out;
    }
    if ((decoded.metrics?.length ?? 0) > this.maxMetrics) {
      out.rejections.push({ reason: 'unknown_shape', detail: `${decoded.metrics!.length} metrics > ${this.maxMetrics}` });
      return out;
    }
    const node = this.node(parsed.group, parsed.edge);
    if (!node) {
      out.rejections.push({ reason: 'cardinality', detail: `edge node ${parsed.group.slice(0, 128)}/${parsed.edge.slice(0, 128)} beyond the limit of ${this.maxNodes} nodes` });
      return out;
    }
    switch (parsed.type) {
      case 'NBIRTH':
        this.nodeBirth(node, decoded, receivedAt, out);
        break;
      case 'NDEATH':
        this.nodeDeath(node, decoded, out);
        break;
      case 'DBIRTH':
      case 'DDEATH':
      case 'NDATA':
      case 'DDATA':
        this.fromBornNode(node, parsed.type, parsed.device, decoded, receivedAt, out);
        break;
    }
    return out;
  }

  /** Turns gaps that outlived the reorder timeout into rebirth requests; call about once a second. */
  tick(now: WallMs): PublishAction[] {
    const out = emptyOutput();
    for (const node of this.nodes.values()) {
      if (node.missing.size > 0 && now - node.gapAt >= this.reorderTimeoutMs) this.giveUpOnGap(node, now, out);
    }
    return out.publish;
  }

  private node(group: string, edge: string): NodeState | null {
    const id = `${group}/${edge}`;
    let node = this.nodes.get(id);
    if (!node) {
      if (this.nodes.size >= this.maxNodes) return null;
      node = { group, edge, id, born: false, bdSeq: null, expectedSeq: 0, aliases: new Map(), devices: new Map(), missing: new Set(), gapAt: 0, sinceGap: 0, lastRebirthAt: -Infinity };
      this.nodes.set(id, node);
    }
    return node;
  }

  private nodeBirth(node: NodeState, payload: Payload, now: WallMs, out: SparkplugOutput): void {
    const seq = toNumberOrNull(payload.seq);
    node.born = true;
    node.bdSeq = null;
    node.aliases.clear();
    node.devices.clear();
    node.missing.clear();
    node.expectedSeq = seq === null ? 0 : (seq + 1) & 255;
    for (const metric of payload.metrics ?? []) {
      if (metric.name === 'bdSeq') node.bdSeq = toNumberOrNull(metric.value);
      const alias = toNumberOrNull(metric.alias);
      if (metric.name && alias !== null) node.aliases.set(alias, metric.name);
    }
    out.metas.push({ id: node.id, site: node.group, area: node.edge, name: node.edge, protocol: 'sparkplug', ...birthEng(payload) });
    this.collect(node, node.id, node.aliases, payload, now, out);
  }

  private nodeDeath(node: NodeState, payload: Payload, out: SparkplugOutput): void {
    const bdSeqMetric = payload.metrics?.find((m) => m.name === 'bdSeq');
    const bdSeq = bdSeqMetric ? toNumberOrNull(bdSeqMetric.value) : null;
    // The broker delivers a node's will late, after the node may already have reconnected; a
    // death whose bdSeq is not the current birth's belongs to an older session.
    if (!node.born || (bdSeq !== null && node.bdSeq !== null && bdSeq !== node.bdSeq)) return;
    out.offline.push(node.id);
    for (const device of node.devices.keys()) out.offline.push(`${node.id}/${device}`);
    node.born = false;
    node.devices.clear();
    node.missing.clear();
  }

  private fromBornNode(node: NodeState, type: Exclude<MessageType, 'NBIRTH' | 'NDEATH'>, device: string | null, payload: Payload, now: WallMs, out: SparkplugOutput): void {
    if (!node.born) {
      note(out, 'sparkplug_unborn', `${type} from edge node ${node.id} before its NBIRTH`);
      this.requestRebirth(node, now, out);
      return;
    }
    this.checkSeq(node, toNumberOrNull(payload.seq), now, out);
    if (type === 'NDATA') {
      this.collect(node, node.id, node.aliases, payload, now, out);
      return;
    }
    const name = device ?? '';
    const id = `${node.id}/${name}`;
    if (type === 'DBIRTH') {
      if (!node.devices.has(name) && node.devices.size >= this.maxDevices) {
        note(out, 'cardinality', `device ${id.slice(0, 256)} beyond the limit of ${this.maxDevices} devices per node`);
        return;
      }
      const aliases = new Map<number, string>();
      for (const metric of payload.metrics ?? []) {
        const alias = toNumberOrNull(metric.alias);
        if (metric.name && alias !== null) aliases.set(alias, metric.name);
      }
      node.devices.set(name, { aliases });
      out.metas.push({ id, site: node.group, area: node.edge, name, protocol: 'sparkplug', ...birthEng(payload) });
      this.collect(node, id, aliases, payload, now, out);
      return;
    }
    const state = node.devices.get(name);
    if (!state) {
      // a DDEATH for a device we never saw born needs no rebirth: it is gone either way
      if (type === 'DDEATH') return;
      note(out, 'sparkplug_unborn', `DDATA from device ${id} before its DBIRTH`);
      this.requestRebirth(node, now, out);
      return;
    }
    if (type === 'DDEATH') {
      node.devices.delete(name);
      out.offline.push(id);
      return;
    }
    this.collect(node, id, state.aliases, payload, now, out);
  }

  private checkSeq(node: NodeState, seq: number | null, now: WallMs, out: SparkplugOutput): void {
    if (seq === null || seq < 0 || seq > 255) {
      note(out, 'sparkplug_sequence', `seq ${seq ?? 'missing'} on ${node.id}`);
    } else if (seq === node.expectedSeq) {
      node.expectedSeq = (seq + 1) & 255;
    } else if (!node.missing.delete(seq)) {
      note(out, 'sparkplug_sequence', `expected seq ${node.expectedSeq} on ${node.id}, got ${seq}`);
      if (node.missing.size === 0) {
        node.gapAt = now;
        node.sinceGap = 0;
      }
      for (let s = node.expectedSeq; s !== seq; s = (s + 1) & 255) node.missing.add(s);
      node.expectedSeq = (seq + 1) & 255;
      return;
    }
    if (node.missing.size > 0 && (++node.sinceGap >= this.reorderWindow || now - node.gapAt >= this.reorderTimeoutMs)) this.giveUpOnGap(node, now, out);
  }

  private giveUpOnGap(node: NodeState, now: WallMs, out: SparkplugOutput): void {
    node.missing.clear();
    this.requestRebirth(node, now, out);
  }

  private requestRebirth(node: NodeState, now: WallMs, out: SparkplugOutput): void {
    if (now - node.lastRebirthAt < this.rebirthCooldownMs) return;
    const second = Math.floor(now / 1000);
    if (second !== this.rebirthSecond) {
      this.rebirthSecond = second;
      this.rebirthsThisSecond = 0;
    }
    if (this.rebirthsThisSecond >= this.maxRebirths) return;
    this.rebirthsThisSecond++;
    node.lastRebirthAt = now;
    out.publish.push(rebirthRequest(node.group, node.edge, now));
  }

  private collect(node: NodeState, machineId: string, aliases: Map<number, string>, payload: Payload, now: WallMs, out: SparkplugOutput): void {
    collectReadings(machineId, aliases, payload, now, out, () => this.requestRebirth(node, now, out));
  }
}
