/** What the decoders hand to the rest of ingest: shapes shared by the JSON and Sparkplug paths. */
import type { QuarantineReason, SensorEng } from '../../common/telemetry';

export type Protocol = 'json' | 'sparkplug' | 'modbus' | 'opcua';

/** Limits that keep one hostile message from costing much downstream, whatever its wire format. */
export const MAX_METRICS = 256;
export const MAX_METRIC_NAME = 128;

/** Identity and description of a machine, learnt from a meta message or a Sparkplug birth. */
export interface MachineMeta {
  id: string;
  site: string;
  area: string;
  name: string;
  /** Absent when the source does not say; the registry then keeps what it knew. */
  type?: string;
  protocol: Protocol;
  /** The metric an engineer names as the machine's state signal (speed, power...), for its operating states. */
  stateSignal?: string;
  /** The machine type's alarm limits per sensor, when the meta message publishes them. */
  limits?: Record<string, { lowLow?: number; low?: number; high?: number; highHigh?: number }>;
  /** Units, ranges and counters per metric (eng-info.ts); the whole set the source publishes now. */
  eng?: Record<string, SensorEng>;
  /** Entries of `eng` that were bad and left out, for the quarantine; the rest of the meta applies. */
  engProblems?: string[];
}

export interface Rejection {
  reason: QuarantineReason;
  detail: string;
}

/** A message the decoder wants sent (a Sparkplug rebirth request); the MQTT edge performs it. */
export interface PublishAction {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1;
  retain: boolean;
}
