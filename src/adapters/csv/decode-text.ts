import { StringDecoder } from 'node:string_decoder';
import iconv from 'iconv-lite';
import { sniffEncoding, type TextEncoding } from '../../domain/portfolio/detect.js';

/** Text decoded from bytes, and what the bytes turned out to be. */
export interface DecodedText {
  readonly chunks: AsyncIterable<string>;
  /** "utf-8", "utf-8 (BOM)", "windows-1252"...; final once `chunks` is consumed. */
  encoding(): string;
}

interface ChunkDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

function decoderFor(encoding: TextEncoding): ChunkDecoder {
  switch (encoding) {
    case 'utf-8':
    case 'utf-16le': {
      const decoder = new StringDecoder(encoding === 'utf-8' ? 'utf8' : 'utf16le');
      return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() };
    }
    case 'utf-16be':
    case 'windows-1252': {
      const decoder = iconv.getDecoder(encoding === 'utf-16be' ? 'utf16-be' : 'win1252');
      return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' };
    }
  }
}

/**
 * Decodes a byte stream whose encoding nobody declared, as spreadsheets export them: a byte
 * order mark decides (UTF-8, UTF-16); otherwise text stays undecided while it is pure ASCII
 * (every candidate reads ASCII alike) and the first chunk with other bytes decides: valid
 * UTF-8 or else Windows-1252, the Latin-1 superset Excel writes on Windows.
 */
export function decodeText(source: AsyncIterable<Uint8Array>): DecodedText {
  let decided: { encoding: TextEncoding; hasBom: boolean } | undefined;
  async function* chunks(): AsyncGenerator<string> {
    let decoder: ChunkDecoder | undefined;
    let carry: Buffer | undefined;
    let isStart = true;
    const take = (bytes: Buffer, isEnd: boolean): string => {
      if (decoder !== undefined) return decoder.write(bytes);
      // Too short to tell a byte order mark: wait for more.
      if (isStart && bytes.length < 4 && !isEnd) {
        carry = bytes;
        return '';
      }
      const sniff = sniffEncoding(bytes, isStart, isEnd);
      isStart = false;
      if (!sniff.decided) return bytes.toString('latin1');
      const firstHigh = sniff.hasBom ? -1 : bytes.findIndex((b) => b >= 0x80);
      // A multi-byte character cut by the chunk end is no evidence yet: keep it for the next.
      if (!isEnd && firstHigh >= 0 && bytes.length - firstHigh < 4) {
        carry = bytes.subarray(firstHigh);
        return bytes.subarray(0, firstHigh).toString('latin1');
      }
      decided = { encoding: sniff.encoding, hasBom: sniff.hasBom };
      decoder = decoderFor(sniff.encoding);
      return decoder.write(bytes.subarray(sniff.skip));
    };
    for await (const chunk of source) {
      let bytes = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (carry !== undefined) {
        bytes = Buffer.concat([carry, bytes]);
        carry = undefined;
      }
      const text = take(bytes, false);
      if (text !== '') yield text;
    }
    if (carry !== undefined) {
      const text = take(carry, true);
      if (text !== '') yield text;
    }
    const tail = decoder?.end() ?? '';
    if (tail !== '') yield tail;
  }
  return {
    chunks: chunks(),
    encoding: () =>
      decided === undefined ? 'utf-8' : `${decided.encoding}${decided.hasBom ? ' (BOM)' : ''}`,
  };
}
