import { describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { decodeText } from '../../../src/adapters/csv/decode-text.js';

async function decode(chunks: Buffer[]): Promise<{ text: string; encoding: string }> {
  async function* source(): AsyncGenerator<Buffer> {
    for (const chunk of chunks) yield Promise.resolve(chunk);
  }
  const decoded = decodeText(source());
  let text = '';
  for await (const chunk of decoded.chunks) text += chunk;
  return { text, encoding: decoded.encoding() };
}

function split(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

const sample = 'nombre;saldo\nJosé Peña;1.234,56\nMaría Núñez;2,50\n';

describe('decodeText', () => {
  it('strips a UTF-8 byte order mark', async () => {
    expect(
      await decode([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)])]),
    ).toEqual({ text: sample, encoding: 'utf-8 (BOM)' });
  });

  it('reads UTF-8 without BOM, even with characters cut between chunks', async () => {
    for (const size of [1, 2, 3, 5, 64]) {
      expect(await decode(split(Buffer.from(sample), size))).toEqual({
        text: sample,
        encoding: 'utf-8',
      });
    }
  });

  it('reads Windows-1252 (Excel on Windows), even when accents appear only late in the file', async () => {
    const latin = iconv.encode(`${'a;b\n'.repeat(5000)}${sample}`, 'win1252');
    for (const size of [1, 3, 65536]) {
      const { text, encoding } = await decode(split(latin, size));
      expect(encoding).toBe('windows-1252');
      expect(text.endsWith(sample)).toBe(true);
    }
  });

  it('reads UTF-16 with a byte order mark (Excel "Unicode text")', async () => {
    expect(
      await decode([Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, 'utf16le')])]),
    ).toEqual({ text: sample, encoding: 'utf-16le (BOM)' });
  });

  it('reads pure ASCII as UTF-8', async () => {
    expect(await decode([Buffer.from('a,b\n1,2\n')])).toEqual({
      text: 'a,b\n1,2\n',
      encoding: 'utf-8',
    });
  });
});
