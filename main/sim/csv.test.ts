import { describe, expect, it } from 'vitest';
import { CsvRowReader, detectDelimiter, parseNumber, parseTimestamp, sanitiseMetricName, splitFields } from './csv';

describe('csv parsing', () => {
  it('detects the delimiter and respects quotes', () => {
    expect(detectDelimiter('datetime;a;b')).toBe(';');
    expect(detectDelimiter('time,a,b')).toBe(',');
    expect(detectDelimiter('"x;y",a,b')).toBe(',');
    expect(splitFields('1,"a,""b""",3', ',')).toEqual(['1', 'a,"b"', '3']);
  });

  it('reads timestamps without a zone as UTC and honours a zone when given', () => {
    expect(parseTimestamp('2020-03-09 10:14:33')).toBe(Date.UTC(2020, 2, 9, 10, 14, 33));
    expect(parseTimestamp('2020-03-09T10:14:33.250Z')).toBe(Date.UTC(2020, 2, 9, 10, 14, 33, 250));
    expect(parseTimestamp('2020-03-09T10:14:33+02:00')).toBe(Date.UTC(2020, 2, 9, 8, 14, 33));
    expect(parseTimestamp('2020-03-09 10:14:33-0130')).toBe(Date.UTC(2020, 2, 9, 11, 44, 33));
    expect(parseTimestamp('1583748873')).toBe(1583748873000);
    expect(parseTimestamp('1583748873123')).toBe(1583748873123);
    expect(parseTimestamp('2020-02-31 10:00:00')).toBeNull();
    expect(parseTimestamp('yesterday')).toBeNull();
  });

  it('parses numbers, empty cells and decimal commas', () => {
    expect(parseNumber(' 1.5e2 ', ',')).toBe(150);
    expect(parseNumber('', ',')).toBeUndefined();
    expect(parseNumber('1,25', ';')).toBe(1.25);
    expect(parseNumber('0x10', ',')).toBeNaN();
    expect(sanitiseMetricName('Volume Flow RateRMS')).toBe('Volume_Flow_RateRMS');
  });

  it('maps numeric columns by default and turns every bad row into a reason', () => {
    const reader = new CsvRowReader('\uFEFFdatetime;Temp (C);label;Volume Flow', {});
    expect(reader.timeColumn).toBe('datetime');
    expect(reader.read('2020-03-09 10:14:33;21.5;ok;3')).toEqual({ ts: Date.UTC(2020, 2, 9, 10, 14, 33), metrics: { Temp_C: 21.5, Volume_Flow: 3 } });
    expect(reader.read('2020-03-09 10:14:34;;ok;4')).toEqual({ ts: Date.UTC(2020, 2, 9, 10, 14, 34), metrics: { Volume_Flow: 4 } });
    expect(reader.read('2020-03-09 10:14:35;1;2')).toEqual({ error: 'expected 4 fields, got 3' });
    expect(reader.read('soon;1;ok;2')).toEqual({ error: 'bad timestamp "soon"' });
    expect(reader.read('2020-03-09 10:14:36;warm;ok;2')).toEqual({ error: 'column Temp (C): not a number "warm"' });
    expect(reader.read('2020-03-09 10:14:36;;ok;')).toEqual({ error: 'no values' });
    expect(reader.read('2020-03-09 10:14:37;"1;ok;2')).toEqual({ error: 'unbalanced quotes' });
  });

  it('uses an explicit time column and mapping, and refuses a header it cannot use', () => {
    const reader = new CsvRowReader('when,a,b', { timeColumn: 'When', mapping: { b: 'flow' } });
    expect(reader.read('1583748873,1,2')).toEqual({ ts: 1583748873000, metrics: { flow: 2 } });
    expect(() => new CsvRowReader('a,b')).toThrow(/no time column/);
    expect(() => new CsvRowReader('ts,a', { mapping: { z: 'z' } })).toThrow(/not in the header/);
  });
});
