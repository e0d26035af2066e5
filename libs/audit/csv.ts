/** Excel reads a UTF-8 CSV as UTF-8 (Japanese text intact) only when it starts with a byte order mark. */
export const UTF8_BOM = '\uFEFF';

/** Cells a spreadsheet would evaluate, and cells that start with the escape itself (so that escaping is reversible). */
const FORMULA_START = /^[=+\-@\t\r']/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell. RFC 4180 quoting; null is an empty cell and an empty string (or empty array) a quoted empty cell
 * `""`, as PostgreSQL's COPY does. A text starting with = + - @ tab or CR is prefixed with an apostrophe so that a
 * spreadsheet shows it instead of evaluating it (OWASP "CSV injection"); so is a text starting with an apostrophe,
 * which makes the escape reversible: drop one leading apostrophe, if any, to get the stored value back.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(' ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (text === '') return '""';
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
