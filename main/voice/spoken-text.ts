/**
 * Free text (a repair step, a note) made fit to be spoken: every value with a unit says the unit in
 * words ("95 °C" becomes "95 degrees Celsius", "4.5 mm/s" "4.5 millimetres per second"), and the
 * shop-floor abbreviations a speech engine would spell or mangle become words.
 */
import { spokenUnit } from './phrases';

/** Longest first, so "kWh" is not read as "kW" and "h". */
const escape = (u: string) => u.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const UNITS = ['°C', '°F', 'degC', 'degF', 'mm/s', 'm/s²', 'm/s2', 'm/s', 'l/min', 'L/min', 'm³/h', 'm3/h', 'kWh', 'kW', 'MW', 'kPa', 'MPa', 'mbar', 'bar', 'psi', 'rpm', 'RPM', 'Hz', 'kV', 'mA', 'Nm', 'kN', 'mm', 'ms', '%'].map(escape).join('|');
/** Single capital letters are units only after a space ("5 A", "24 V"): "2A-17" is a part number. */
const LETTER_UNITS = ['A', 'V', 'W', 'K', 'N'].join('|');
const NOT_AFTER = '(?![A-Za-z0-9²³/-])';
const VALUE_WITH_UNIT = new RegExp(`(\\d+(?:[.,]\\d+)?)(?:\\s?(${UNITS})|\\s(${LETTER_UNITS}))${NOT_AFTER}`, 'g');

const ABBREVIATIONS: Record<string, string> = {
  LOTO: 'lock-out tag-out',
  PPE: 'protective equipment',
  DE: 'drive end',
  NDE: 'non-drive end',
};

export function spokenText(text: string): string {
  return text
    .replace(VALUE_WITH_UNIT, (_m, value: string, unit: string | undefined, letter: string | undefined) => `${value.replace(',', '.')} ${spokenUnit(unit ?? letter!)}`)
    .replace(/\(([A-Z]{2,5})\)/g, (m, abbreviation: string) => (ABBREVIATIONS[abbreviation] ? '' : m))
    .replace(/\b([A-Z]{2,5})\b/g, (m, abbreviation: string) => ABBREVIATIONS[abbreviation] ?? m)
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([.,;:])/g, '$1')
    .trim();
}
