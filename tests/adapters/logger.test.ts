import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/adapters/logger.js';

describe('logger', () => {
  it('redacts phones, names, documents, bodies and tokens', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info(
      {
        phone: '+573001234567',
        debtor: { name: 'Ana Peña', documentId: '1020304050' },
        body: 'ya pagué',
        token: 'abc',
        accountId: 'A-1',
      },
      'turn.handled',
    );
    const out = lines.join('');
    expect(out).toContain('turn.handled');
    expect(out).toContain('A-1');
    for (const secret of ['+573001234567', 'Ana Peña', '1020304050', 'ya pagué', '"abc"'])
      expect(out).not.toContain(secret);
  });
});
