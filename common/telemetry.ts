import { z } from 'zod';
import { eventMs, wallMs, type EventMs, type WallMs } from './time';

/** One decoded message from one machine, stamped with the device's own time. */
export interface Reading {
  machineId: string;
  /** Features, rollups and alarms use this, never receivedAt. */
  ts: EventMs;
  metrics: Record<string, number>;
  /** When the message reached ingest; used only for latency and staleness. */
  receivedAt: WallMs;
}

export const MachineStateSchema = z.enum(['online', 'stale', 'offline']);
export type MachineState = z.infer<typeof MachineStateSchema>;

export const SensorStatusSchema = z.object({
  value: z.number().nullable(),
  ts: eventMs(),
  /**
   * good: fresh value; stale: no update within the watchdog period; offline: the source said it is gone;
   * bad / uncertain: the source marked the value so (an OPC UA status), and it is never scored as normal.
   */
  quality: z.enum(['good', 'uncertain', 'stale', 'bad', 'offline']),
});
export type SensorStatus = z.infer<typeof SensorStatusSchema>;

/**
 * A value its source marked Bad or Uncertain. It never enters a Reading (features, models, rollups
 * and limit alarms see only good values); it is stored beside the readings and shown marked.
 */
export interface QualityMark {
  machineId: string;
  sensor: string;
  /** The source's timestamp where it gives one. */
  ts: EventMs;
  quality: 'bad' | 'uncertain';
  /** The source's own name for the status, e.g. BadSensorFailure. */
  status: string;
  /** The value sent with the status, when it is a finite number. */
  value: number | null;
  receivedAt: WallMs;
}

/** A low..high pair in the metric's unit; low < high is checked where it enters. */
export const RangeSchema = z.object({ low: z.number().finite(), high: z.number().finite() });
export type Range = z.infer<typeof RangeSchema>;

/**
 * Engineering information of one metric: its unit, the band it normally stays in, the span a
 * display scales to, and whether it is a counter (printed as a whole number with digit grouping).
 */
export const SensorEngSchema = z.object({
  unit: z.string().max(32).optional(),
  normal: RangeSchema.optional(),
  display: RangeSchema.optional(),
  counter: z.boolean().optional(),
});
export type SensorEng = z.infer<typeof SensorEngSchema>;

export const MachineSchema = z.object({
  id: z.string(),
  name: z.string(),
  site: z.string(),
  area: z.string(),
  type: z.string(),
  protocol: z.enum(['json', 'sparkplug', 'modbus', 'opcua']),
  firstSeen: wallMs(),
  lastSeen: wallMs(),
  state: MachineStateSchema,
  sensors: z.record(z.string(), SensorStatusSchema),
  /** Per metric, from meta, Sparkplug properties and engineer edits (machine over type over source); absent when nothing says. */
  eng: z.record(z.string(), SensorEngSchema).optional(),
});
export type Machine = z.infer<typeof MachineSchema>;

export const QUARANTINE_REASONS = [
  'oversized',
  'invalid_json',
  'unknown_shape',
  'bad_timestamp',
  'non_finite',
  'unknown_topic',
  'sparkplug_decode',
  'sparkplug_sequence',
  'sparkplug_unborn',
  /** A field device answered with an error (a Modbus exception such as an address out of range). */
  'source_error',
  /** A value whose source marks it Bad or Uncertain (OPC UA status), or of a type that is not a number. */
  'bad_quality',
  /** A new machine or sensor beyond the configured limits (ingest.maxMachines, maxSensorsPerMachine, Sparkplug nodes). */
  'cardinality',
] as const;
export const QuarantineReasonSchema = z.enum(QUARANTINE_REASONS);
export type QuarantineReason = z.infer<typeof QuarantineReasonSchema>;

export const QuarantineEntrySchema = z.object({
  at: wallMs(),
  topic: z.string(),
  reason: QuarantineReasonSchema,
  detail: z.string(),
  /** The first bytes of the payload, base64, so an engineer can see what arrived. */
  payloadHead: z.string(),
  payloadBytes: z.number(),
});
export type QuarantineEntry = z.infer<typeof QuarantineEntrySchema>;
