import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withTransaction } from '../../../src/adapters/postgres/database.js';
import { migrate } from '../../../src/adapters/postgres/migrate.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { silentLogger } from '../../support/shared.js';

let db: TestDatabase;
let accountId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, time_zone, locale) VALUES ('D1', 'Ana', 'America/Bogota', 'es-CO') RETURNING id`,
  );
  const account = await db.pool.query<{ id: string }>(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date) VALUES ('A1', $1, 'COP', 125000000, '2026-10-01') RETURNING id`,
    [debtor.rows[0]!.id],
  );
  accountId = account.rows[0]!.id;
});

afterAll(async () => {
  await db.close();
});

describe(`schema on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  it('is idempotent: migrating again applies nothing', async () => {
    expect(await migrate(db.pool, silentLogger)).toEqual([]);
  });

  it('returns bigint minor units as numbers and dates as calendar days', async () => {
    const { rows } = await db.pool.query(
      'SELECT balance_minor, due_date FROM accounts WHERE id = $1',
      [accountId],
    );
    expect(rows[0]).toEqual({ balance_minor: 125000000, due_date: '2026-10-01' });
  });

  it('refuses a negative balance and a malformed currency', async () => {
    await expect(
      db.pool.query(`UPDATE accounts SET balance_minor = -1 WHERE id = $1`, [accountId]),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db.pool.query(`UPDATE accounts SET currency = 'cop' WHERE id = $1`, [accountId]),
    ).rejects.toThrow(/check constraint/);
  });

  it('accepts a plan whose installments sum to its total', async () => {
    await withTransaction(db.pool, async (client) => {
      const plan = await client.query<{ id: string }>(
        `INSERT INTO plans (account_id, total_minor, currency, installment_count) VALUES ($1, 1000, 'COP', 3) RETURNING id`,
        [accountId],
      );
      for (const [seq, amount] of [
        [1, 334],
        [2, 333],
        [3, 333],
      ]) {
        await client.query(
          `INSERT INTO installments (plan_id, seq, amount_minor, due_date) VALUES ($1, $2, $3, '2026-12-01')`,
          [plan.rows[0]!.id, seq, amount],
        );
      }
    });
  });

  it('refuses at commit a plan whose installments do not sum to its total', async () => {
    await expect(
      withTransaction(db.pool, async (client) => {
        const plan = await client.query<{ id: string }>(
          `INSERT INTO plans (account_id, total_minor, currency, installment_count) VALUES ($1, 1000, 'COP', 2) RETURNING id`,
          [accountId],
        );
        await client.query(
          `INSERT INTO installments (plan_id, seq, amount_minor, due_date) VALUES ($1, 1, 500, '2026-12-01'), ($1, 2, 499, '2027-01-01')`,
          [plan.rows[0]!.id],
        );
      }),
    ).rejects.toThrow(/sum to 999/);
  });

  it('refuses a plan without installments', async () => {
    await expect(
      withTransaction(db.pool, (client) =>
        client.query(
          `INSERT INTO plans (account_id, total_minor, currency, installment_count) VALUES ($1, 1000, 'COP', 1)`,
          [accountId],
        ),
      ),
    ).rejects.toThrow(/no installments/);
  });

  it('keeps the audit log append-only', async () => {
    await db.pool.query(
      `INSERT INTO audit_log (actor, action, entity_type, entity_id) VALUES ('test', 'x', 'account', $1)`,
      [accountId],
    );
    await expect(db.pool.query(`UPDATE audit_log SET action = 'y'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });

  it('refuses a bot message that does not name the flow version that produced it', async () => {
    const conversation = await db.pool.query<{ id: string }>(
      `INSERT INTO conversations (debtor_id, account_id, channel) SELECT debtor_id, id, 'web' FROM accounts WHERE id = $1 RETURNING id`,
      [accountId],
    );
    await expect(
      db.pool.query(
        `INSERT INTO messages (conversation_id, seq, direction, author, body, created_at, hash) VALUES ($1, 1, 'out', 'bot', 'hola', now(), 'x')`,
        [conversation.rows[0]!.id],
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
