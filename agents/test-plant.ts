/** Scripted plants for the agents' tests and the bench: hourly records and predictions built by hand. */
import { HOUR_MS, type MachineHour, type PartInfo, type Prediction, type RiskLevel } from './model';

export const T0 = Date.UTC(2025, 0, 6, 0, 0, 0); // a Monday

export function hour(machineId: string, index: number, over: Partial<MachineHour> = {}): MachineHour {
  return {
    machineId,
    hour: T0 + index * HOUR_MS,
    observedMs: HOUR_MS,
    runMs: HOUR_MS,
    kwh: 10,
    production: 100,
    parts: 100,
    rejected: 1,
    avgKw: 10,
    vibration: 1,
    temperature: 40,
    ...over,
  };
}

export function prediction(machineId: string, atHour: number, riskLevel: RiskLevel, over: Partial<Prediction> = {}): Prediction {
  const failureProbability = riskLevel === 'high' ? 0.8 : riskLevel === 'medium' ? 0.4 : 0.05;
  return { machineId, ts: T0 + atHour * HOUR_MS + 60_000, failureProbability, failureType: 'bearing_wear', rulHours: 120, riskLevel, ...over };
}

export function part(id: string, over: Partial<PartInfo> = {}): PartInfo {
  return { id, name: id, machineTypes: [], failureTypes: ['bearing_wear'], unit: 'pcs', onHand: 1, reserved: 0, reorderPoint: 1, reorderQuantity: 2, leadTimeDays: 5, unitPrice: 100, ...over };
}
