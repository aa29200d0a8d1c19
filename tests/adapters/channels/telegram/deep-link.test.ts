import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  deepLinkUrl,
  linkCommandOf,
  maxStartParameterLength,
  resolveLinkCommand,
  signDeepLink,
  verifyDeepLink,
} from '../../../../src/adapters/channels/telegram/deep-link.js';
import { startTokenFixture } from './fixtures.js';

const secret = 'another-link-secret-abcdefghijklmnopqrstuvwxyz';
const now = new Date('2026-03-01T12:00:00Z');
const day = 24 * 3600 * 1000;

function sign(ref: string, ttl = day): string {
  const signed = signDeepLink(ref, ttl, secret, now);
  if (!signed.ok) throw new Error(signed.reason);
  return signed.token;
}

describe('signDeepLink / verifyDeepLink', () => {
  it('round-trips a debtor UUID within the 64-character start parameter alphabet', () => {
    const ref = '0b6f8a52-7c1e-4d3a-9f20-5e8c7a1b2c3d';
    const token = sign(ref);
    expect(token.length).toBeLessThanOrEqual(maxStartParameterLength);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyDeepLink(token, secret, now)).toEqual({
      ok: true,
      debtorRef: ref,
      expiresAt: new Date(now.getTime() + day),
    });
  });

  it('round-trips any ref that fits, and refuses one that does not', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 27, unit: 'binary' }), (ref) => {
        const signed = signDeepLink(ref, day, secret, now);
        if (Buffer.byteLength(ref, 'utf8') > 27) {
          expect(signed).toEqual({ ok: false, reason: 'ref-too-long' });
          return;
        }
        if (!signed.ok) throw new Error(signed.reason);
        expect(signed.token.length).toBeLessThanOrEqual(64);
        expect(verifyDeepLink(signed.token, secret, now)).toMatchObject({
          ok: true,
          debtorRef: ref,
        });
      }),
    );
    expect(signDeepLink('x'.repeat(28), day, secret, now)).toEqual({
      ok: false,
      reason: 'ref-too-long',
    });
  });

  it('expires at the second the ttl ends', () => {
    const token = sign('ACC-1', 60_000);
    expect(verifyDeepLink(token, secret, new Date(now.getTime() + 59_999)).ok).toBe(true);
    expect(verifyDeepLink(token, secret, new Date(now.getTime() + 60_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects another secret, a changed byte and garbage', () => {
    const token = sign('ACC-1');
    expect(verifyDeepLink(token, 'x'.repeat(40), now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const flipped = Buffer.from(token, 'base64url');
    flipped[3] = flipped[3]! ^ 0x01;
    expect(verifyDeepLink(flipped.toString('base64url'), secret, now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyDeepLink('abc', secret, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyDeepLink('a'.repeat(65), secret, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyDeepLink('has space', secret, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses an empty ref and a non-positive ttl', () => {
    expect(signDeepLink('', day, secret, now)).toEqual({ ok: false, reason: 'ref-empty' });
    expect(signDeepLink('A', 0, secret, now)).toEqual({ ok: false, reason: 'ttl-invalid' });
  });

  it('builds the t.me URL', () => {
    expect(deepLinkUrl('@CuotaBot', 'abc_-1')).toBe('https://t.me/CuotaBot?start=abc_-1');
  });
});

describe('linkCommandOf / resolveLinkCommand', () => {
  it('recognises /start with and without a token', () => {
    expect(linkCommandOf({ type: 'text', text: '/start abc-123' })).toEqual({
      type: 'start',
      token: 'abc-123',
    });
    expect(linkCommandOf({ type: 'text', text: '/start@CuotaBot abc' })).toEqual({
      type: 'start',
      token: 'abc',
    });
    expect(linkCommandOf({ type: 'text', text: '/start' })).toEqual({
      type: 'start',
      token: undefined,
    });
    expect(linkCommandOf({ type: 'text', text: 'quiero /start abc' })).toBeUndefined();
    expect(linkCommandOf({ type: 'choice', optionId: '/start abc' })).toBeUndefined();
  });

  it('verifies the fixture token the way the core will', () => {
    const content = { type: 'text' as const, text: `/start ${startTokenFixture.token}` };
    expect(
      resolveLinkCommand(content, startTokenFixture.secret, new Date('2026-01-02T00:00:00Z')),
    ).toEqual({ ok: true, debtorRef: startTokenFixture.debtorId });
    expect(
      resolveLinkCommand(content, startTokenFixture.secret, new Date('2026-01-09T00:00:00Z')),
    ).toEqual({ ok: false, reason: 'expired' });
    expect(resolveLinkCommand({ type: 'text', text: 'hola' }, secret, now)).toEqual({
      ok: false,
      reason: 'not-a-link',
    });
    expect(resolveLinkCommand({ type: 'text', text: '/start' }, secret, now)).toEqual({
      ok: false,
      reason: 'no-token',
    });
  });
});
