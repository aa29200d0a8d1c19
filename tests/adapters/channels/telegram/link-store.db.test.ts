import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { linkTelegramChat } from '../../../../src/adapters/channels/telegram/link-store.js';
import { createTestDatabase, type TestDatabase } from '../../../support/db.js';

let db: TestDatabase;
let camila: string;
let other: string;

async function insertDebtor(ref: string): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, time_zone, locale)
     VALUES ($1, 'Test Debtor', 'America/Bogota', 'es-419') RETURNING id`,
    [ref],
  );
  return rows[0]!.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  camila = await insertDebtor('TG-LINK-1');
  other = await insertDebtor('TG-LINK-2');
});

afterAll(async () => {
  await db.close();
});

describe('linkTelegramChat', () => {
  it('maps a chat to a debtor once, and never moves it to another debtor', async () => {
    const linkedAt = new Date('2026-01-01T10:00:00Z');
    expect(
      await linkTelegramChat(db.pool, {
        chatId: '6112345678',
        debtorId: camila,
        phone: '+573001234567',
        linkedAt,
      }),
    ).toEqual({ status: 'linked' });
    expect(await linkTelegramChat(db.pool, { chatId: '6112345678', debtorId: camila })).toEqual({
      status: 'already-linked',
    });
    expect(await linkTelegramChat(db.pool, { chatId: '6112345678', debtorId: other })).toEqual({
      status: 'linked-elsewhere',
      debtorId: camila,
    });
    const { rows } = await db.pool.query(
      `SELECT provider, external_id, debtor_id, phone, created_at FROM channel_identities`,
    );
    expect(rows).toEqual([
      {
        provider: 'telegram',
        external_id: '6112345678',
        debtor_id: camila,
        phone: '+573001234567',
        created_at: linkedAt,
      },
    ]);
  });

  it('defaults the link time to the database clock', async () => {
    expect(await linkTelegramChat(db.pool, { chatId: '-5', debtorId: other })).toEqual({
      status: 'linked',
    });
  });
});
