/** A record as split from delimited text. */
export interface CsvRecord {
  /** The line the record starts on, counting from 1; a quoted newline makes a record span lines. */
  readonly line: number;
  readonly fields: string[];
  /** Set when the record could not be split (an unbalanced quote); `fields` is then empty. */
  readonly error?: string;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === LF) count += 1;
    else if (c === CR && text.charCodeAt(i + 1) !== LF) count += 1;
  }
  return count;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
}

/** The fields of text[start, end), which holds no quote and no line end. */
function splitLine(text: string, start: number, end: number, separator: string): string[] {
  const fields: string[] = [];
  let from = start;
  for (;;) {
    const at = text.indexOf(separator, from);
    if (at < 0 || at >= end) break;
    fields.push(text.slice(from, at));
    from = at + 1;
  }
  fields.push(text.slice(from, end));
  return fields;
}

/**
 * A streaming RFC 4180 parser that knows which line each record starts on (csv-parse reports
 * where a record ends, and costs several times more per row). Fed text in arbitrary chunks.
 * Accepts LF, CRLF and lone CR line ends; skips empty lines; a quote opens a quoted field only
 * at the start of a field, `""` inside one is a quote, and text after a closing quote is kept
 * rather than refused. An unterminated quote (or a record longer than `maxRecordLength`) yields
 * an error record for its first line, and parsing resumes on the next line, so one stray quote
 * cannot swallow the rest of a file.
 */
export class CsvRecordParser {
  private buffer = '';
  private line = 1;
  private readonly delimiter: number;
  private readonly separator: string;
  /** No delimiter, or one that is a quote or line end, leaves every record to the full scan. */
  private readonly canSplitLines: boolean;

  constructor(
    delimiter: string,
    private readonly maxRecordLength = 1 << 20,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
    this.separator = delimiter.charAt(0);
    this.canSplitLines =
      delimiter !== '' &&
      this.delimiter !== QUOTE &&
      this.delimiter !== LF &&
      this.delimiter !== CR;
  }

  /** Adds text; returns the records it completed. */
  push(text: string): CsvRecord[] {
    this.buffer = this.buffer === '' ? text : this.buffer + text;
    return this.parse(false);
  }

  /** No more text: returns the remaining records, the last one possibly without a line end. */
  end(): CsvRecord[] {
    return this.parse(true);
  }

  private parse(isFinal: boolean): CsvRecord[] {
    const text = this.buffer;
    const n = text.length;
    const delimiter = this.delimiter;
    const records: CsvRecord[] = [];
    let pos = 0;
    let line = this.line;
    // Where the next quote, CR and LF are (n when none): each found once, not once per line.
    let quoteAt = -1;
    let crAt = -1;
    let lfAt = -1;
    for (;;) {
      if (pos >= n) break;
      const recordStart = pos;
      const recordLine = line;
      // Most records are one line without quotes: split them with indexOf, which scans in
      // native code, instead of testing every character here.
      if (quoteAt < pos) quoteAt = indexOrEnd(text, '"', pos);
      if (crAt < pos) crAt = indexOrEnd(text, '\r', pos);
      if (lfAt < pos) lfAt = indexOrEnd(text, '\n', pos);
      if (this.canSplitLines && lfAt < n && quoteAt > lfAt && crAt >= lfAt - 1) {
        const lineEnd = crAt === lfAt - 1 ? lfAt - 1 : lfAt;
        if (lineEnd > pos) {
          records.push({ line: recordLine, fields: splitLine(text, pos, lineEnd, this.separator) });
          pos = lfAt + 1;
          line += 1;
          continue;
        }
      }
      const first = text.charCodeAt(pos);
      if (first === LF) {
        pos += 1;
        line += 1;
        continue;
      }
      if (first === CR) {
        if (pos + 1 >= n && !isFinal) break;
        pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
        line += 1;
        continue;
      }
      const fields: string[] = [];
      let state: 'complete' | 'incomplete' | 'unterminated' = 'incomplete';
      for (;;) {
        if (pos < n && text.charCodeAt(pos) === QUOTE) {
          let value = '';
          let p = pos + 1;
          let isClosed = false;
          for (;;) {
            const q = text.indexOf('"', p);
            if (q < 0) break;
            value += text.slice(p, q);
            if (q + 1 >= n && !isFinal) break;
            if (text.charCodeAt(q + 1) === QUOTE) {
              value += '"';
              p = q + 2;
              continue;
            }
            p = q + 1;
            isClosed = true;
            break;
          }
          if (!isClosed) {
            state =
              isFinal || n - recordStart > this.maxRecordLength ? 'unterminated' : 'incomplete';
            break;
          }
          let e = p;
          while (e < n) {
            const c = text.charCodeAt(e);
            if (c === delimiter || c === LF || c === CR) break;
            e += 1;
          }
          if (e > p) value += text.slice(p, e);
          if (value.includes('\n') || value.includes('\r')) line += countLineBreaks(value);
          fields.push(value);
          pos = e;
        } else {
          let e = pos;
          while (e < n) {
            const c = text.charCodeAt(e);
            if (c === delimiter || c === LF || c === CR) break;
            e += 1;
          }
          fields.push(text.slice(pos, e));
          pos = e;
        }
        if (pos >= n) {
          if (isFinal) state = 'complete';
          break;
        }
        const c = text.charCodeAt(pos);
        if (c === delimiter) {
          pos += 1;
          continue;
        }
        if (c === CR) {
          if (pos + 1 >= n && !isFinal) break;
          pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else {
          pos += 1;
        }
        line += 1;
        state = 'complete';
        break;
      }
      if (state === 'complete') {
        records.push({ line: recordLine, fields });
        continue;
      }
      if (state === 'incomplete' && !(n - recordStart > this.maxRecordLength)) {
        pos = recordStart;
        line = recordLine;
        break;
      }
      records.push({
        line: recordLine,
        fields: [],
        error:
          state === 'unterminated'
            ? 'unterminated quoted field'
            : `record longer than ${this.maxRecordLength} characters`,
      });
      // Resume on the line after the record's first line.
      const lf = text.indexOf('\n', recordStart);
      const cr = text.indexOf('\r', recordStart);
      const lineEnd = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (lineEnd < 0) {
        pos = n;
        break;
      }
      pos =
        lineEnd + (text.charCodeAt(lineEnd) === CR && text.charCodeAt(lineEnd + 1) === LF ? 2 : 1);
      line = recordLine + 1;
    }
    this.buffer = text.slice(pos);
    this.line = line;
    return records;
  }
}
