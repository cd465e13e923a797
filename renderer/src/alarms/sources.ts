import type { AlarmSource } from '../../../common/contract-alarms';

/** Every alarm source in words; a Record, so a source added to the contract cannot go unlabelled. */
export const SOURCE_LABEL: Record<AlarmSource, string> = {
  limit: 'limit',
  anomaly: 'anomaly',
  predictive: 'predictive',
  health: 'health',
  communication: 'communication lost',
  sensor: 'sensor fault',
  system: 'system',
};

export const sourceLabel = (source: AlarmSource): string => SOURCE_LABEL[source] ?? source;
