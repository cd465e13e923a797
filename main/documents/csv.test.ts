import { describe, expect, it } from 'vitest';
import { toCsv } from '../../common/csv';
import { CallFailure } from '../../common/errors';
import { parseCsv, parseCsvLine } from './csv';

describe('CSV read back in', () => {
  it('reads what the writer wrote, and a spreadsheet export with a BOM, CRLF and blank rows', () => {
    const rows = [['a,b', 'say "hi"', 'two\nlines', null, 3]];
    expect(parseCsv(toCsv(['x', 'y', 'z', 'w', 'n'], rows))).toEqual([
      ['x', 'y', 'z', 'w', 'n'],
      ['a,b', 'say "hi"', 'two\nlines', '', '3'],
    ]);
    expect(parseCsv('\uFEFFpart_id,quantity\r\nP1,2\r\n,\r\n\r\nP2,3')).toEqual([
      ['part_id', 'quantity'],
      ['P1', '2'],
      ['P2', '3'],
    ]);
  });

  it('refuses a file whose quotes do not close as a bad request', () => {
    expect(() => parseCsv('a,"b\nc')).toThrow(CallFailure);
    expect(() => parseCsv('a,"b\nc')).toThrow(/not a CSV file/);
  });

  it('splits one line by the given delimiter, and answers null for quotes that do not pair up', () => {
    expect(parseCsvLine('1;"a;b";3', ';')).toEqual(['1', 'a;b', '3']);
    expect(parseCsvLine('1,2,3', ',')).toEqual(['1', '2', '3']);
    expect(parseCsvLine('1,"open', ',')).toBeNull();
  });
});
