import { readFileSync } from 'node:fs';

const folder = new URL('../../../fixtures/telegram/', import.meta.url);

export type FixtureName =
  | 'text'
  | 'callback-query'
  | 'contact-own'
  | 'contact-other'
  | 'photo-caption'
  | 'voice'
  | 'document'
  | 'location'
  | 'poll'
  | 'edited-message'
  | 'group-text'
  | 'start-token';

/** A recorded-shape Telegram Update from tests/fixtures/telegram, parsed fresh each call. */
export function update(name: FixtureName): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.json`, folder), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** The raw JSON text, as Telegram would POST it. */
export function updateText(name: FixtureName): string {
  return readFileSync(new URL(`${name}.json`, folder), 'utf8');
}

/** The secret, instant and debtor the start-token fixture was signed with. */
export const startTokenFixture = {
  secret: 'test-link-secret-0123456789abcdefghij',
  signedAt: new Date('2026-01-01T10:00:00Z'),
  debtorId: '3f6c2a8e-5b1d-4c7e-9a2f-0d8e6b4c1a57',
  token: 'AWlfgCA_bCqOWx1MfpovDY5rTBpXdy3wL3_vl2xuVaLG3LTWTw',
} as const;
