/** Agent names and the topics of the messages they send each other (the seed's wording). */
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
} as const;

/** Payload of TOPIC.prepareSpares. */
export interface PrepareSparesPayload {
  machineId: string;
  machineType: string;
  failureType: string;
  /** Earliest predicted failure, event time; null when the prediction gives no RUL. */
  failureLowTs: number | null;
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
