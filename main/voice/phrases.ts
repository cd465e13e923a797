/**
 * The words the room hears. Phrases are short, start with what is affected, and spell units out,
 * because a text-to-speech engine reads "95 °C" or "mm/s" unpredictably.
 */
import type { VoiceStyle, VoicePriority } from '../../common/contract-voice';
import type { VoiceAlarm } from './voice-alarm';

const UNITS: Record<string, string> = {
  '°c': 'degrees Celsius',
  degc: 'degrees Celsius',
  c: 'degrees Celsius',
  '°f': 'degrees Fahrenheit',
  degf: 'degrees Fahrenheit',
  k: 'kelvin',
  '%': 'percent',
  bar: 'bar',
  mbar: 'millibar',
  pa: 'pascals',
  kpa: 'kilopascals',
  mpa: 'megapascals',
  psi: 'P S I',
  rpm: 'R P M',
  'mm/s': 'millimetres per second',
  'm/s': 'metres per second',
  'm/s2': 'metres per second squared',
  'm/s²': 'metres per second squared',
  g: 'g',
  a: 'amperes',
  ma: 'milliamperes',
  v: 'volts',
  kv: 'kilovolts',
  w: 'watts',
  kw: 'kilowatts',
  mw: 'megawatts',
  kwh: 'kilowatt hours',
  hz: 'hertz',
  n: 'newtons',
  kn: 'kilonewtons',
  nm: 'newton metres',
  'l/min': 'litres per minute',
  'm3/h': 'cubic metres per hour',
  'm³/h': 'cubic metres per hour',
  mm: 'millimetres',
  s: 'seconds',
  ms: 'milliseconds',
};

/** Sensor names come from device firmware (bearing_temp, oilPress); say them as words. */
const WORDS: Record<string, string> = { temp: 'temperature', press: 'pressure', vib: 'vibration', rpm: 'speed', pct: 'percent' };

export function spokenUnit(unit: string): string {
  return UNITS[unit.trim().toLowerCase()] ?? unit.trim();
}

export function spokenWords(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((w) => WORDS[w.toLowerCase()] ?? w.toLowerCase())
    .join(' ');
}

export function spokenNumber(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toFixed(1)));
}

/** A bare identifier ("M014") needs a noun in front of it to be understood; a named machine does not. */
function subject(alarm: VoiceAlarm): string {
  const name = alarm.machineName.trim() || alarm.machineId;
  return /\s/.test(name) ? name : `machine ${name}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const sentence = (s: string) => s.trim().replace(/[.!\s]+$/, '');

/** "press P-07 hydraulic pressure low": what a summary names as the worst of many. */
export function shortPhrase(alarm: VoiceAlarm): string {
  return `${subject(alarm)} ${sentence(alarm.message)}`;
}

/** "Machine M014 bearings overheating. Current temperature: 95 degrees Celsius." */
export function alarmPhrase(alarm: VoiceAlarm): string {
  const lead = alarm.priority === 'critical' ? 'Critical alarm. ' : '';
  let text = `${lead}${capitalise(shortPhrase(alarm))}.`;
  if (alarm.value !== null && alarm.value !== undefined && Number.isFinite(alarm.value)) {
    const what = alarm.sensor ? `Current ${spokenWords(alarm.sensor)}` : 'Current value';
    const unit = alarm.unit ? ` ${spokenUnit(alarm.unit)}` : '';
    text += ` ${what}: ${spokenNumber(alarm.value)}${unit}.`;
  }
  return text;
}

export const spokenArea = (area: string) => spokenWords(area);

/** "12 new alarms on line 3; highest: press P-07 hydraulic pressure low." */
export function floodPhrase(count: number, areas: readonly string[], highest: VoiceAlarm): string {
  const where = areas.length === 1 ? `on ${spokenArea(areas[0]!)}` : `in ${areas.length} areas`;
  return `${count} new alarms ${where}; highest: ${shortPhrase(highest)}.`;
}

/** The reminder for critical alarms nobody has acknowledged yet. */
export function reminderPhrase(alarms: readonly VoiceAlarm[]): string {
  if (alarms.length === 1) return `Unacknowledged. ${alarmPhrase(alarms[0]!)}`;
  return `${alarms.length} critical alarms unacknowledged; highest: ${shortPhrase(alarms[0]!)}.`;
}

/**
 * Urgency is heard before the words are understood: critical is slower, higher and loudest so that
 * it carries over machine noise; low priorities are quicker and quieter.
 */
const STYLES: Record<VoicePriority, VoiceStyle> = {
  critical: { rate: 0.9, pitch: 0.7, volume: 1 },
  high: { rate: 1, pitch: 0.55, volume: 0.9 },
  medium: { rate: 1.05, pitch: 0.5, volume: 0.8 },
  low: { rate: 1.1, pitch: 0.45, volume: 0.7 },
  diagnostic: { rate: 1.1, pitch: 0.45, volume: 0.6 },
};
export const styleFor = (priority: VoicePriority): VoiceStyle => STYLES[priority];
