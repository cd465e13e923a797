/**
 * Sends each MQTT message to the decoder its topic names and hands the results on. It is the one
 * place that guarantees the pipeline survives any message: whatever a decoder throws is
 * quarantined too.
 */
import type { QuarantineEntry, Reading } from '../../common/telemetry';
import type { MachineMeta, Protocol, PublishAction, Rejection } from './decoded';
import { decodeJsonMeta, decodeJsonTelemetry, isJsonMetaTopic, isJsonTelemetryTopic } from './json-telemetry';
import type { Quarantine } from './quarantine';
import type { SparkplugDecoder } from './sparkplug';

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
}

export class MessageRouter {
  constructor(private readonly deps: RouterDeps) {}

  route(topic: string, payload: Uint8Array, receivedAt: number): void {
    try {
      this.dispatch(topic, payload, receivedAt);
    } catch (err) {
      const reason = topic.startsWith('spBv1.0/') ? 'sparkplug_decode' : 'unknown_shape';
      this.reject(topic, payload, { reason, detail: `decoder failed: ${(err as Error)?.message ?? String(err)}` }, receivedAt);
    }
  }

  /** Lets the Sparkplug decoder act on reorder timeouts; call about once a second. */
  tick(now: number): void {
    for (const action of this.deps.sparkplug.tick(now)) this.deps.sinks.publish(action);
  }

  private dispatch(topic: string, payload: Uint8Array, receivedAt: number): void {
    const { sinks, maxPayloadBytes } = this.deps;
    if (isJsonTelemetryTopic(topic)) {
      const result = decodeJsonTelemetry(topic, payload, receivedAt, maxPayloadBytes);
      if (result.ok) sinks.readings([result.reading], 'json');
      else this.reject(topic, payload, result, receivedAt);
    } else if (isJsonMetaTopic(topic)) {
      // an empty retained message is how a publisher clears its meta, not bad input
      if (payload.byteLength === 0) return;
      const result = decodeJsonMeta(topic, payload, maxPayloadBytes);
      if (result.ok) sinks.meta(result.meta);
      else this.reject(topic, payload, result, receivedAt);
    } else if (topic.startsWith('spBv1.0/')) {
      const out = this.deps.sparkplug.handle(topic, payload, receivedAt);
      for (const rejection of out.rejections) this.reject(topic, payload, rejection, receivedAt);
      for (const meta of out.metas) sinks.meta(meta);
      if (out.readings.length > 0) sinks.readings(out.readings, 'sparkplug');
      for (const machineId of out.offline) sinks.offline(machineId);
      for (const action of out.publish) sinks.publish(action);
    } else {
      this.reject(topic, payload, { reason: 'unknown_topic', detail: 'neither factory/.../telemetry|meta nor spBv1.0/...' }, receivedAt);
    }
  }

  private reject(topic: string, payload: Uint8Array, rejection: Rejection, at: number): void {
    this.deps.sinks.rejected(this.deps.quarantine.reject(topic, payload, rejection.reason, rejection.detail, at));
  }
}
