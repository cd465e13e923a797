import type { VoicePriority } from '../../common/contract-voice';
import type { EventMs } from '../../common/time';

/**
 * What the announcer needs to know about an alarm. The alarm engine maps its own alarm onto this,
 * so the voice does not depend on how alarms are raised.
 */
export interface VoiceAlarm {
  alarmId: string;
  machineId: string;
  /** As operators say it: "M014", "press P-07". */
  machineName: string;
  /** Area or line: "line 3", "line3", "paint_shop". */
  area: string;
  priority: VoicePriority;
  /** The condition: "bearings overheating", "hydraulic pressure low". */
  message: string;
  sensor?: string | null;
  value?: number | null;
  unit?: string | null;
  /** The reading that raised it. */
  eventTs: EventMs;
}

/** Most urgent first; index is the rank. */
export const PRIORITY_ORDER: readonly VoicePriority[] = ['critical', 'high', 'medium', 'low', 'diagnostic'];
export const priorityRank = (p: VoicePriority) => PRIORITY_ORDER.indexOf(p);
