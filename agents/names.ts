/** Agent names and the topics of the messages they send each other (the seed's wording). */
import type { EventMs } from '../common/time';

export const AGENT = {
  optimizer: 'plant-optimizer',
  maintenance: 'maintenance',
  procurement: 'procurement',
  energy: 'energy',
} as const;

export const TOPIC = {
  increaseMonitoring: 'increase monitoring frequency',
  activateReduction: 'activate reduction mode',
  prepareSpares: 'prepare spare parts inventory',
  inspectionTicket: 'open an inspection ticket',
} as const;

/** Payload of TOPIC.inspectionTicket: closer monitoring did not bring a machine's high risk down and nobody has a ticket for it. */
export interface InspectionTicketPayload {
  machineId: string;
  reason: string;
}

/** Failure type of the tickets TOPIC.inspectionTicket opens: the generic inspection plan. */
export const INSPECTION_FAILURE_TYPE = 'inspection';

/** Payload of TOPIC.prepareSpares. */
export interface PrepareSparesPayload {
  machineId: string;
  machineType: string;
  failureType: string;
  /** Earliest predicted failure; null when the prediction gives no RUL. */
  failureLowTs: EventMs | null;
  ticketReason: string;
}

/** Payload of TOPIC.increaseMonitoring. */
export interface IncreaseMonitoringPayload {
  machineId: string;
  reason: string;
  /** How long the machine is watched closer (event time); a message without it gets MONITORING_HOURS. */
  hours?: number;
  /** The anomaly thresholds are multiplied by this meanwhile (0 < factor <= 1); default MONITORING_FACTOR. */
  factor?: number;
}

/** One shift of closer watch: long enough for the next round of a technician to look at it. */
export const MONITORING_HOURS = 8;
/** Thresholds at 80 %: a deviation a fifth below the usual limit already raises an episode. */
export const MONITORING_FACTOR = 0.8;

/** Payload of TOPIC.activateReduction. */
export interface ActivateReductionPayload {
  reason: string;
  /** kWh the optimizer expects the reduction to save over the next hour. */
  expectedKwh: number;
}
