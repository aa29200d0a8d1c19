import { describe, expect, it } from '@jest/globals';
import {
  canonicalJson,
  chainHash,
  verifyChain,
  type TranscriptEntry,
} from '../../src/domain/transcript.js';

function entries(): (TranscriptEntry & { prevHash: string | null; hash: string })[] {
  const base = {
    conversationId: 'c1',
    providerMessageId: null,
    promptId: null,
    promptVersion: null,
  };
  const raw: TranscriptEntry[] = [
    {
      ...base,
      seq: 1,
      direction: 'in',
      author: 'debtor',
      body: 'hola',
      payload: { intent: 'greet' },
      flowId: 'default',
      flowVersion: 1,
      createdAt: new Date('2026-11-24T15:00:00Z'),
    },
    {
      ...base,
      seq: 2,
      direction: 'out',
      author: 'bot',
      body: '¡Hola!',
      payload: { messageKey: 'greeting' },
      flowId: 'default',
      flowVersion: 1,
      createdAt: new Date('2026-11-24T15:00:00Z'),
    },
    {
      ...base,
      seq: 3,
      direction: 'in',
      author: 'debtor',
      body: '1234',
      payload: {},
      flowId: 'default',
      flowVersion: 1,
      createdAt: new Date('2026-11-24T15:00:05Z'),
    },
  ];
  let previous: string | null = null;
  return raw.map((entry) => {
    const hash = chainHash(previous, entry);
    const chained = { ...entry, prevHash: previous, hash };
    previous = hash;
    return chained;
  });
}

describe('transcript chain', () => {
  it('verifies an untouched transcript', () => {
    expect(verifyChain(entries())).toEqual({ ok: true, length: 3 });
  });

  it('detects an edited body, payload or timestamp', () => {
    const edited = entries();
    edited[1] = { ...edited[1]!, body: '¡Hola! Debes $0' };
    expect(verifyChain(edited)).toEqual({ ok: false, brokenAtSeq: 2, reason: 'hash-mismatch' });
    const payload = entries();
    payload[0] = { ...payload[0]!, payload: { intent: 'opt_out' } };
    expect(verifyChain(payload)).toMatchObject({ ok: false, brokenAtSeq: 1 });
    const moved = entries();
    moved[2] = { ...moved[2]!, createdAt: new Date('2026-11-24T16:00:00Z') };
    expect(verifyChain(moved)).toMatchObject({ ok: false, brokenAtSeq: 3 });
  });

  it('detects a removed message', () => {
    const removed = entries();
    removed.splice(1, 1);
    expect(verifyChain(removed)).toEqual({ ok: false, brokenAtSeq: 3, reason: 'seq-gap' });
  });

  it('hashes content, not key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
  });
});
