/** What the announcer says about an alarm: the alarm engine's record plus the machine's name and the sensor's unit. */
import type { Alarm } from '../../common/contract-alarms';
import type { Machine } from '../../common/telemetry';
import type { VoiceAlarm } from './voice-alarm';

/** Longest name spoken: a name is there to find the machine, not to be read out at length. */
export const MAX_SPOKEN_NAME = 40;

/**
 * A name as the voice may say it: letters (any script), digits, spaces and - . / _ only, at most
 * MAX_SPOKEN_NAME characters. Markup (SSML tags an engine might obey), control characters and
 * long text a publisher puts in a machine's meta never reach the room.
 */
export function speakableName(name: string): string {
  return name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} ._/-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_SPOKEN_NAME)
    .trim();
}

export function voiceAlarmFrom(alarm: Alarm, machine: Machine | undefined): VoiceAlarm {
  return {
    alarmId: alarm.id,
    machineId: alarm.machineId,
    // Names come from the network (meta, births): only letters, digits and a few separators reach the voice.
    machineName: speakableName(machine?.name ?? '') || speakableName(alarm.machineId.split('/').at(-1) ?? '') || 'unnamed machine',
    area: speakableName(machine?.area ?? ''),
    priority: alarm.priority,
    message: alarm.message,
    sensor: alarm.sensor,
    value: alarm.value,
    // the unit the machine's meta, birth or an engineer gives the sensor, so the room hears "95 degrees Celsius"
    unit: (alarm.sensor ? machine?.eng?.[alarm.sensor]?.unit : undefined) ?? null,
    eventTs: alarm.raisedAt ?? alarm.updatedAt,
  };
}
