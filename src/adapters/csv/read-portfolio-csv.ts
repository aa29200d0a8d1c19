import type { ImportInput, SourceRecord } from '../../app/import-portfolio.js';
import { detectDelimiter } from '../../domain/portfolio/detect.js';
import { CsvRecordParser } from './csv-record-parser.js';
import { decodeText } from './decode-text.js';

/**
 * Reads a delimited portfolio file from a byte stream into an import input: decodes it (see
 * decodeText), tells the delimiter from the first non-empty line, and streams records in
 * chunks. Reading pauses while the importer is busy, so memory stays flat for any file size.
 */
export async function readPortfolioCsv(
  bytes: AsyncIterable<Uint8Array>,
  source: string,
): Promise<ImportInput> {
  const decoded = decodeText(bytes);
  const text = decoded.chunks[Symbol.asyncIterator]();
  let head = '';
  let isDone = false;
  // Read until the first non-empty line is complete, to tell its delimiter.
  for (;;) {
    const firstLine = /^[\r\n]*([^\r\n]*)[\r\n]/.exec(head);
    if (firstLine !== null) break;
    const next = await text.next();
    if (next.done === true) {
      isDone = true;
      break;
    }
    head += next.value;
  }
  const headerLine = /^[\r\n]*([^\r\n]*)/.exec(head)?.[1] ?? '';
  const delimiter = detectDelimiter(headerLine);
  async function* records(): AsyncGenerator<readonly SourceRecord[]> {
    const parser = new CsvRecordParser(delimiter);
    if (head !== '') {
      const first = parser.push(head);
      head = '';
      if (first.length > 0) yield first;
    }
    while (!isDone) {
      const next = await text.next();
      if (next.done === true) break;
      const chunk = parser.push(next.value);
      if (chunk.length > 0) yield chunk;
    }
    const last = parser.end();
    if (last.length > 0) yield last;
  }
  return {
    source,
    delimiter,
    records: records(),
    describe: () => ({ encoding: decoded.encoding() }),
  };
}
