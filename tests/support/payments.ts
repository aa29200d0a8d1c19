import type pg from 'pg';
import type { LocalDate } from '../../src/domain/dates.js';
import { minor, toCurrencyCode, type CurrencyCode } from '../../src/domain/money.js';
import type { PaidAt, PaymentInstruction } from '../../src/domain/payments/index.js';

/** A debtor with one account; returns the ids. Amounts in minor units. */
export async function seedAccount(
  pool: pg.Pool,
  options: {
    readonly ref: string;
    readonly balance: number;
    readonly currency?: string;
    readonly timeZone?: string;
    readonly status?: string;
  },
): Promise<{ debtorId: string; accountId: string }> {
  const debtor = await pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, time_zone, locale, country) VALUES ($1, 'Ana García', $2, 'es-CO', 'CO') RETURNING id`,
    [`D-${options.ref}`, options.timeZone ?? 'America/Bogota'],
  );
  const debtorId = debtor.rows[0]!.id;
  const account = await pool.query<{ id: string }>(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, original_minor, due_date, status)
     VALUES ($1, $2, $3, $4, $4, '2026-01-15', $5) RETURNING id`,
    [options.ref, debtorId, options.currency ?? 'COP', options.balance, options.status ?? 'active'],
  );
  return { debtorId, accountId: account.rows[0]!.id };
}

/** An active plan with installments of the given amounts, monthly from `first`. */
export async function seedPlan(
  pool: pg.Pool,
  accountId: string,
  amounts: readonly number[],
  options: { readonly currency?: string; readonly paid?: readonly number[] } = {},
): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const plan = await client.query<{ id: string }>(
      `INSERT INTO plans (account_id, total_minor, currency, installment_count) VALUES ($1, $2, $3, $4) RETURNING id`,
      [accountId, amounts.reduce((a, b) => a + b, 0), options.currency ?? 'COP', amounts.length],
    );
    const planId = plan.rows[0]!.id;
    await client.query(
      `INSERT INTO installments (plan_id, seq, amount_minor, due_date, paid_minor)
       SELECT $1, s.seq, s.amount, DATE '2026-03-01' + make_interval(months => s.seq - 1), s.paid
         FROM unnest($2::int[], $3::bigint[], $4::bigint[]) AS s(seq, amount, paid)`,
      [
        planId,
        amounts.map((_, i) => i + 1),
        amounts,
        amounts.map((_, i) => options.paid?.[i] ?? 0),
      ],
    );
    await client.query('COMMIT');
    return planId;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** A pending promise made at `createdAt`. */
export async function seedPromise(
  pool: pg.Pool,
  accountId: string,
  amount: number,
  dueDate: string,
  createdAt: string,
  currency = 'COP',
): Promise<string> {
  const promise = await pool.query<{ id: string }>(
    `INSERT INTO promises (account_id, amount_minor, currency, due_date, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [accountId, amount, currency, dueDate, createdAt],
  );
  return promise.rows[0]!.id;
}

/** An open "ya pagué" claim. */
export async function seedClaim(
  pool: pg.Pool,
  accountId: string,
  currency = 'COP',
): Promise<string> {
  const claim = await pool.query<{ id: string }>(
    `INSERT INTO payment_claims (account_id, currency, created_at) VALUES ($1, $2, '2026-03-01T12:00:00Z') RETURNING id`,
    [accountId, currency],
  );
  return claim.rows[0]!.id;
}

export function instruction(
  externalId: string,
  accountRef: string,
  amount: number,
  paidAt: PaidAt | string,
  currency = 'COP',
): PaymentInstruction {
  return {
    externalId,
    accountRef,
    amount: { amount: minor(amount), currency: toCurrencyCode(currency) as CurrencyCode },
    paidAt:
      typeof paidAt === 'string'
        ? /T/.test(paidAt)
          ? { kind: 'instant', at: new Date(paidAt) }
          : { kind: 'date', date: paidAt as LocalDate }
        : paidAt,
    method: undefined,
    reference: undefined,
  };
}

/** Rows of the tables a payment touches, to show that something changed nothing. */
export async function paymentFootprint(pool: pg.Pool): Promise<unknown> {
  const [payments, allocations, audit, accounts, installments, promises, plans, claims] =
    await Promise.all([
      pool.query('SELECT * FROM payments ORDER BY id'),
      pool.query('SELECT * FROM payment_allocations ORDER BY payment_id, plan_id, seq'),
      pool.query('SELECT count(*)::int AS n FROM audit_log'),
      pool.query('SELECT id, balance_minor, status, updated_at FROM accounts ORDER BY id'),
      pool.query('SELECT * FROM installments ORDER BY plan_id, seq'),
      pool.query('SELECT * FROM promises ORDER BY id'),
      pool.query('SELECT id, status, completed_by_payment_id FROM plans ORDER BY id'),
      pool.query('SELECT id, status, confirmed_by_payment_id FROM payment_claims ORDER BY id'),
    ]);
  return {
    payments: payments.rows,
    allocations: allocations.rows,
    audit: audit.rows,
    accounts: accounts.rows,
    installments: installments.rows,
    promises: promises.rows,
    plans: plans.rows,
    claims: claims.rows,
  };
}
