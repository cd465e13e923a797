/**
 * The one CSV writer (RFC 4180: comma-separated, CRLF after every record), for the exports of the
 * main process and the screens alike.
 *
 * It is a few lines here rather than csv-stringify: the library's browser build declares Node's
 * types, which would let Node globals into the type checks of common/ and the renderer.
 */

/** A leading = + - @ (or a tab or carriage return, which some spreadsheets skip before reading a formula). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field. Text a spreadsheet would run as a formula gets a leading apostrophe, so an alarm
 * message, a note or a ticket title written by anyone on the network can never execute when the
 * file is opened (CSV injection); a number that is not finite is left empty.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, with its CRLF. */
export const csvLine = (values: readonly unknown[]): string => `${values.map(csvField).join(',')}\r\n`;

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return csvLine(header) + rows.map(csvLine).join('');
}
