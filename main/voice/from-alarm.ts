/** What the announcer says about an alarm: the alarm engine's record plus the machine's name. */
import type { Alarm } from '../../common/contract-alarms';
import type { Machine } from '../../common/telemetry';
import type { VoiceAlarm } from './voice-alarm';

export function voiceAlarmFrom(alarm: Alarm, machine: Machine | undefined): VoiceAlarm {
  return {
    alarmId: alarm.id,
    machineId: alarm.machineId,
    machineName: machine?.name ?? alarm.machineId,
    area: machine?.area ?? '',
    priority: alarm.priority,
    message: alarm.message,
    sensor: alarm.sensor,
    value: alarm.value,
    unit: null,
    eventTs: alarm.raisedAt ?? alarm.updatedAt,
  };
}
