/**
 * CSV read back in: files this app exported and files from a spreadsheet (quotes, commas and line
 * breaks inside fields, a byte order mark, blank lines), whole or a line at a time as a replay
 * streams them. The writer is common/csv.ts.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { CallFailure } from '../../common/errors';

/** Rows of fields, rows of blank fields left out; a file that is not CSV is a bad request. */
export function parseCsv(text: string): string[][] {
  try {
    return parse(text, { bom: true, relax_column_count: true, relax_quotes: true, record_delimiter: ['\r\n', '\n', '\r'], skip_records_with_empty_values: true });
  } catch (err) {
    if (err instanceof CsvError) throw new CallFailure('bad_request', `not a CSV file: ${err.message}`);
    throw err;
  }
}

/** One line's fields; null when its quotes do not pair up (a bad line is the caller's answer, not an exception). */
export function parseCsvLine(line: string, delimiter: ',' | ';'): string[] | null {
  if (!line.includes('"')) return line.split(delimiter);
  try {
    return parse(line, { delimiter, relax_quotes: true, relax_column_count: true })[0] ?? [''];
  } catch (err) {
    if (err instanceof CsvError) return null;
    throw err;
  }
}
