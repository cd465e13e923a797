/**
 * The cardinality gate where every source's readings and metas join the pipeline, so a Modbus or
 * OPC UA source cannot add machines and sensors past the limits the MQTT side keeps. MQTT readings
 * and metas were admitted by the message router already (its quarantine entry keeps their topic and
 * payload), so here they pass untouched; the other sources are admitted here against the same gate,
 * and what it refuses is quarantined once per batch as `cardinality` under `<protocol>:<machine>`.
 */
import type { Reading } from '../../common/telemetry';
import type { CardinalityGate } from './cardinality-gate';
import type { MachineMeta, Protocol } from './decoded';
import type { Quarantine } from './quarantine';
import type { WallMs } from '../../common/time';

/** Admitted before they reach this path: the message router gates the MQTT decoders' output. */
const GATED_AT_THE_ROUTER: ReadonlySet<Protocol> = new Set(['json', 'sparkplug']);
const EMPTY = new Uint8Array(0);

export interface CardinalityAdmissionDeps {
  gate: Pick<CardinalityGate, 'admit' | 'admitMachine'>;
  quarantine: Pick<Quarantine, 'reject'>;
  now(): WallMs;
}

export function createCardinalityAdmission(deps: CardinalityAdmissionDeps) {
  return {
    /** The readings the gate lets through, in order; the batch itself when nothing is cut (the usual case). */
    readings(batch: Reading[], protocol: Protocol): Reading[] {
      if (GATED_AT_THE_ROUTER.has(protocol)) return batch;
      const at = deps.now();
      let out: Reading[] | null = null;
      let refused: { machineId: string; why: string } | null = null;
      for (let i = 0; i < batch.length; i++) {
        const reading = batch[i]!;
        const admitted = deps.gate.admit(reading, at);
        if (admitted.refused !== null) refused ??= { machineId: reading.machineId, why: admitted.refused };
        if (admitted.reading !== reading && out === null) out = batch.slice(0, i);
        if (out !== null && admitted.reading !== null) out.push(admitted.reading);
      }
      if (refused) deps.quarantine.reject(`${protocol}:${refused.machineId}`, EMPTY, 'cardinality', refused.why, at);
      return out ?? batch;
    },

    /** Whether a meta may describe its machine (known, or room for a new one); a refusal is quarantined. */
    meta(meta: MachineMeta): boolean {
      if (GATED_AT_THE_ROUTER.has(meta.protocol)) return true;
      const at = deps.now();
      const refused = deps.gate.admitMachine(meta.id, at);
      if (refused === null) return true;
      deps.quarantine.reject(`${meta.protocol}:${meta.id}`, EMPTY, 'cardinality', refused, at);
      return false;
    },
  };
}
export type CardinalityAdmission = ReturnType<typeof createCardinalityAdmission>;
