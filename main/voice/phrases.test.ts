import { describe, expect, it } from 'vitest';
import { alarmPhrase, floodPhrase, spokenNumber, spokenUnit, spokenWords } from './phrases';
import type { VoiceAlarm } from './voice-alarm';

const alarm = (over: Partial<VoiceAlarm>): VoiceAlarm => ({ alarmId: 'a', machineId: 'm', machineName: 'M014', area: 'line3', priority: 'high', message: 'bearings overheating', eventTs: 0, ...over });

describe('phrases', () => {
  it('spells units, sensor names and numbers out for the engine', () => {
    expect(spokenUnit('°C')).toBe('degrees Celsius');
    expect(spokenUnit('mm/s')).toBe('millimetres per second');
    expect(spokenUnit('furlongs')).toBe('furlongs');
    expect(spokenWords('bearing_temp')).toBe('bearing temperature');
    expect(spokenWords('oilPress')).toBe('oil pressure');
    expect(spokenWords('line3')).toBe('line 3');
    expect(spokenNumber(95.04)).toBe('95');
    expect(spokenNumber(4.26)).toBe('4.3');
    expect(spokenNumber(1234.5)).toBe('1235');
  });

  it('leads with the machine and ends with the reading', () => {
    expect(alarmPhrase(alarm({ sensor: 'temperature', value: 95, unit: '°C' }))).toBe('Machine M014 bearings overheating. Current temperature: 95 degrees Celsius.');
    expect(alarmPhrase(alarm({ machineName: 'press P-07', message: 'hydraulic pressure low.', priority: 'critical' }))).toBe('Critical alarm. Press P-07 hydraulic pressure low.');
    expect(floodPhrase(12, ['line3'], alarm({ machineName: 'press P-07', message: 'hydraulic pressure low' }))).toBe('12 new alarms on line 3; highest: press P-07 hydraulic pressure low.');
  });
});
