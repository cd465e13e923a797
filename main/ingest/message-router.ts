/**
 * Sends each MQTT message to the decoder its topic names and hands the results on. It is the one
 * place that guarantees the pipeline survives any message: whatever a decoder throws is
 * quarantined too.
 */
import type { QuarantineEntry, Reading } from '../../common/telemetry';
import type { CardinalityGate } from './cardinality-gate';
import type { MachineMeta, Protocol, PublishAction, Rejection } from './decoded';
import { decodeJsonMeta, decodeJsonTelemetry, isJsonMetaTopic, isJsonTelemetryTopic } from './json-telemetry';
import type { Quarantine } from './quarantine';
import type { SparkplugDecoder } from './sparkplug';
import type { WallMs } from '../../common/time';

export interface RouterSinks {
  /** One call per message that yielded readings (see MqttSource for why no further batching). */
  readings(batch: Reading[], protocol: Protocol): void;
  meta(meta: MachineMeta): void;
  offline(machineId: string): void;
  rejected(entry: QuarantineEntry): void;
  publish(action: PublishAction): void;
}

export interface RouterDeps {
  maxPayloadBytes: number;
  quarantine: Quarantine;
  sparkplug: SparkplugDecoder;
  sinks: RouterSinks;
  /** Bounds the machines and sensors the network can add; none: unbounded (tests of the decoders alone). */
  gate?: CardinalityGate;
}

export class MessageRouter {
  constructor(private readonly deps: RouterDeps) {}

  route(topic: string, payload: Uint8Array, receivedAt: WallMs): void {
    try {
      this.dispatch(topic, payload, receivedAt);
    } catch (err) {
      const reason = topic.startsWith('spBv1.0/') ? 'sparkplug_decode' : 'unknown_shape';
      this.reject(topic, payload, { reason, detail: `decoder failed: ${(err as Error)?.message ?? String(err)}` }, receivedAt);
    }
  }

  /** Lets the Sparkplug decoder act on reorder timeouts; call about once a second. */
  tick(now: WallMs): void {
    for (const action of this.deps.sparkplug.tick(now)) this.deps.sinks.publish(action);
  }

  private dispatch(topic: string, payload: Uint8Array, receivedAt: WallMs): void {
    const { sinks, maxPayloadBytes } = this.deps;
    if (isJsonTelemetryTopic(topic)) {
      const result = decodeJsonTelemetry(topic, payload, receivedAt, maxPayloadBytes);
      if (!result.ok) return this.reject(topic, payload, result, receivedAt);
      const admitted = this.admit([result.reading], topic, payload, receivedAt);
      if (admitted.length > 0) sinks.readings(admitted, 'json');
    } else if (isJsonMetaTopic(topic)) {
      // an empty retained message is how a publisher clears its meta, not bad input
      if (payload.byteLength === 0) return;
      const result = decodeJsonMeta(topic, payload, maxPayloadBytes);
      if (!result.ok) return this.reject(topic, payload, result, receivedAt);
      const refused = this.deps.gate?.admitMachine(result.meta.id, receivedAt);
      if (refused) this.reject(topic, payload, { reason: 'cardinality', detail: refused }, receivedAt);
      else this.meta(result.meta, topic, payload, receivedAt);
    } else if (topic.startsWith('spBv1.0/')) {
      const out = this.deps.sparkplug.handle(topic, payload, receivedAt);
      for (const rejection of out.rejections) this.reject(topic, payload, rejection, receivedAt);
      for (const meta of out.metas) {
        const refused = this.deps.gate?.admitMachine(meta.id, receivedAt);
        if (refused) this.reject(topic, payload, { reason: 'cardinality', detail: refused }, receivedAt);
        else this.meta(meta, topic, payload, receivedAt);
      }
      const admitted = out.readings.length > 0 ? this.admit(out.readings, topic, payload, receivedAt) : out.readings;
      if (admitted.length > 0) sinks.readings(admitted, 'sparkplug');
      for (const machineId of out.offline) sinks.offline(machineId);
      for (const action of out.publish) sinks.publish(action);
    } else {
      this.reject(topic, payload, { reason: 'unknown_topic', detail: 'neither factory/.../telemetry|meta nor spBv1.0/...' }, receivedAt);
    }
  }

  /** The readings the gate lets through (some sensors may be cut); what it refuses is quarantined once per message. */
  private admit(readings: Reading[], topic: string, payload: Uint8Array, at: WallMs): Reading[] {
    const gate = this.deps.gate;
    if (!gate) return readings;
    let out: Reading[] | null = null;
    let refused: string | null = null;
    for (let i = 0; i < readings.length; i++) {
      const a = gate.admit(readings[i]!, at);
      if (a.refused !== null) refused ??= a.refused;
      if (a.reading !== readings[i] && out === null) out = readings.slice(0, i);
      if (out !== null && a.reading !== null) out.push(a.reading);
    }
    if (refused !== null) this.reject(topic, payload, { reason: 'cardinality', detail: refused }, at);
    return out ?? readings;
  }

  /** Applies a meta; units or ranges it had to leave out are quarantined with their reasons, and the rest applies. */
  private meta(meta: MachineMeta, topic: string, payload: Uint8Array, at: WallMs): void {
    if (meta.engProblems && meta.engProblems.length > 0) {
      this.reject(topic, payload, { reason: 'unknown_shape', detail: `units/ranges left out (the rest applies): ${meta.engProblems.join('; ').slice(0, 1000)}` }, at);
    }
    this.deps.sinks.meta(meta);
  }

  private reject(topic: string, payload: Uint8Array, rejection: Rejection, at: WallMs): void {
    this.deps.sinks.rejected(this.deps.quarantine.reject(topic, payload, rejection.reason, rejection.detail, at));
  }
}
