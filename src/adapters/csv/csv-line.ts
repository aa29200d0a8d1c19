const needsQuotes = /[",\r\n]|^\s|\s$/;

/** One CSV line (comma-delimited, RFC 4180 quoting, LF-terminated) from string fields. */
export function csvLine(fields: readonly (string | number)[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i += 1) {
    const text = String(fields[i]);
    if (i > 0) line += ',';
    line += needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }
  return `${line}\n`;
}
