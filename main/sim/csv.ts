/**
 * Parsing of recorded sensor CSVs, one line at a time, with no I/O: the replay streams lines in and
 * gets a reading or a reason out. A bad line is an answer, not an exception.
 */
import { parseCsvLine } from '../documents/csv';

export type Delimiter = ';' | ',';

const TIME_COLUMNS = ['datetime', 'timestamp', 'time', 'ts'];
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The delimiter that splits the header into more fields, quotes respected; `;` wins a tie as the European habit. */
export function detectDelimiter(header: string): Delimiter {
  return (splitFields(header, ',')?.length ?? 0) > (splitFields(header, ';')?.length ?? 0) ? ',' : ';';
}

/** Splits one line; double quotes protect delimiters and `""` is a literal quote. Null when its quotes do not pair up. */
export function splitFields(line: string, delimiter: Delimiter): string[] | null {
  return parseCsvLine(line, delimiter);
}

/** Column name to metric name: runs of anything but letters, digits and `_` become one `_`; case is kept. */
export function sanitiseMetricName(column: string): string {
  return column.trim().replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * Epoch ms from a timestamp cell, or null. Numbers are epoch seconds below 1e11 and epoch ms above.
 * `YYYY-MM-DD[ T]hh:mm[:ss[.fff]]` without a zone is taken as UTC: recordings rarely say where they
 * were made, and UTC keeps a replay identical on every machine; add `Z` or `+hh:mm` to say otherwise.
 */
export function parseTimestamp(text: string): number | null {
  const cell = text.trim();
  if (NUMBER.test(cell)) {
    const n = Number(cell);
    return Math.round(Math.abs(n) >= 1e11 ? n : n * 1000);
  }
  const m = DATE_TIME.exec(cell);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((p) => Number(p ?? 0)) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + Math.round(Number(m[7] ?? 0) * 1000);
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2020-02-31 over into March; a calendar error in the file is a bad line instead.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second) return null;
  return ms - zoneOffsetMs(m[8]);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
}

/** A number cell: undefined when empty (the sensor had nothing), NaN when it is not a number. */
export function parseNumber(text: string, delimiter: Delimiter): number | undefined {
  const cell = text.trim();
  if (cell === '') return undefined;
  if (NUMBER.test(cell)) return Number(cell);
  // With `;` as delimiter a comma is free to be the decimal mark, as European exports write it.
  if (delimiter === ';' && DECIMAL_COMMA.test(cell)) return Number(cell.replace(',', '.'));
  return Number.NaN;
}

export interface CsvRowOptions {
  delimiter?: Delimiter;
  /** Default: the first of datetime, timestamp, time, ts (any case). */
  timeColumn?: string;
  /** Column to metric name; default every numeric column of the first good row, names sanitised. */
  mapping?: Record<string, string>;
}

export type RowResult = { ts: number; metrics: Record<string, number> } | { error: string };

/** Reads the data rows of one CSV, given its header line. Throws only for a header it cannot use. */
export class CsvRowReader {
  readonly delimiter: Delimiter;
  readonly timeColumn: string;
  private readonly width: number;
  private readonly timeIndex: number;
  private columns: { index: number; metric: string }[] | undefined;
  private readonly header: string[];

  constructor(headerLine: string, options: CsvRowOptions = {}) {
    const line = headerLine.replace(/^\uFEFF/, '');
    this.delimiter = options.delimiter ?? detectDelimiter(line);
    const header = splitFields(line, this.delimiter);
    if (header === null) throw new Error(`unbalanced quotes in header: ${line}`);
    this.header = header.map((h) => h.trim());
    this.width = this.header.length;
    const wanted = options.timeColumn ? [options.timeColumn.toLowerCase()] : TIME_COLUMNS;
    this.timeIndex = this.header.findIndex((h) => wanted.includes(h.toLowerCase()));
    const timeName = this.header[this.timeIndex];
    if (timeName === undefined) throw new Error(`no time column (${wanted.join(', ')}) in header: ${this.header.join(this.delimiter)}`);
    this.timeColumn = timeName;
    if (options.mapping) {
      this.columns = Object.entries(options.mapping).map(([column, metric]) => {
        const index = this.header.indexOf(column);
        if (index < 0) throw new Error(`mapped column ${column} is not in the header`);
        return { index, metric };
      });
    }
  }

  read(line: string): RowResult {
    const fields = splitFields(line, this.delimiter);
    if (fields === null) return { error: 'unbalanced quotes' };
    if (fields.length !== this.width) return { error: `expected ${this.width} fields, got ${fields.length}` };
    const ts = parseTimestamp(fields[this.timeIndex] ?? '');
    if (ts === null) return { error: `bad timestamp ${JSON.stringify(fields[this.timeIndex])}` };
    const columns = (this.columns ??= this.numericColumns(fields));
    const metrics: Record<string, number> = {};
    let count = 0;
    for (const { index, metric } of columns) {
      const value = parseNumber(fields[index] ?? '', this.delimiter);
      if (value === undefined) continue;
      if (Number.isNaN(value)) return { error: `column ${this.header[index]}: not a number ${JSON.stringify(fields[index])}` };
      metrics[metric] = value;
      count++;
    }
    if (count === 0) return { error: 'no values' };
    return { ts, metrics };
  }

  private numericColumns(fields: string[]): { index: number; metric: string }[] {
    const columns: { index: number; metric: string }[] = [];
    fields.forEach((field, index) => {
      const metric = sanitiseMetricName(this.header[index] ?? '');
      const value = parseNumber(field, this.delimiter);
      if (index !== this.timeIndex && metric !== '' && value !== undefined && !Number.isNaN(value)) columns.push({ index, metric });
    });
    return columns;
  }
}
