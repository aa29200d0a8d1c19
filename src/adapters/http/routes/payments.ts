import { Router } from 'express';
import { applyPayment, type ApplyPaymentDeps } from '../../../app/apply-payment.js';
import { AppError } from '../../../domain/errors.js';
import { minor, parseDecimalAmount, toCurrencyCode } from '../../../domain/money.js';
import {
  maxPaymentTextLength,
  parsePaidAt,
  type PaymentInstruction,
} from '../../../domain/payments/index.js';
import type { RecordedPayment, RecordPaymentOutcome } from '../../../ports/payment-store.js';
import { createPaymentStore } from '../../postgres/payment-store.js';
import type { HttpDeps } from '../app.js';
import { apiKeySecurity, errorResponses, moneyJson, MoneySchema, registry, z } from '../openapi.js';

/** The audit actor and payment source of payments posted to the API. */
export const apiSource = 'api';

/** Grace days when the composition root passes none (the policy file's default). */
const defaultGraceDays = 1;

const PaymentBodySchema = registry.register(
  'PaymentRequest',
  z
    .strictObject({
      external_id: z.string().trim().min(1).max(maxPaymentTextLength.id).openapi({
        description:
          "The payment's id at its source (bank, provider). Posting it again with the same content returns the stored result.",
        example: 'PSE-20260310-000123',
      }),
      account_ref: z.string().trim().min(1).max(maxPaymentTextLength.id).openapi({
        example: 'A-1001',
      }),
      amount_minor: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi({
        description: "Integer count of the currency's minor units. Give this or `amount`.",
        example: 12500000,
      }),
      amount: z
        .string()
        .regex(/^\d{1,16}(\.\d{1,4})?$/, 'a decimal string with a point, like "125000.00"')
        .optional()
        .openapi({
          description:
            'The amount as a decimal string with a point and no grouping ("125000.00"). Give this or `amount_minor`.',
          example: '125000.00',
        }),
      currency: z
        .string()
        .regex(/^[A-Za-z]{3}$/, 'expected an ISO 4217 code')
        .openapi({ description: "ISO 4217; must be the account's.", example: 'COP' }),
      paid_at: z
        .string()
        .max(40)
        .openapi({
          description:
            'When it was paid: an ISO 8601 instant with a zone ("2026-03-10T14:05:00Z"), or a day ' +
            '("2026-03-10", "10/03/2026") read in the debtor\'s time zone and stored as midday there.',
          example: '2026-03-10T14:05:00-05:00',
        }),
      method: z.string().trim().min(1).max(maxPaymentTextLength.method).optional().openapi({
        example: 'pse',
      }),
      reference: z.string().trim().min(1).max(maxPaymentTextLength.reference).optional().openapi({
        example: 'CUS 3344556',
      }),
    })
    .openapi({ description: 'A payment received for an account.' }),
);

/** The body as a payment instruction; every problem is a zod issue, so a 400 lists them all. */
const PaymentInstructionSchema = PaymentBodySchema.transform((body, ctx): PaymentInstruction => {
  const currency = toCurrencyCode(body.currency);
  if (currency === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['currency'],
      message: 'not an active ISO 4217 currency',
    });
  let amount: number | undefined;
  if ((body.amount_minor === undefined) === (body.amount === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['amount_minor'],
      message: 'give exactly one of amount_minor and amount',
    });
  } else if (body.amount_minor !== undefined) {
    amount = body.amount_minor;
  } else if (body.amount !== undefined && currency !== undefined) {
    const parsed = parseDecimalAmount(body.amount, 'point', currency);
    if (!parsed.ok)
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message:
          parsed.reason === 'too-many-decimals'
            ? `more decimals than ${currency} has`
            : `not a valid amount (${parsed.reason})`,
      });
    else if (parsed.amount <= 0)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'a payment must be above zero' });
    else amount = parsed.amount;
  }
  const paid = parsePaidAt(body.paid_at);
  if (!paid.ok) ctx.addIssue({ code: 'custom', path: ['paid_at'], message: paid.reason });
  if (currency === undefined || amount === undefined || !paid.ok) return z.NEVER;
  return {
    externalId: body.external_id,
    accountRef: body.account_ref,
    amount: { amount: minor(amount), currency },
    paidAt: paid.paidAt,
    method: body.method,
    reference: body.reference,
  };
});

const PaymentResultSchema = registry.register(
  'PaymentResult',
  z.object({
    id: z.uuid(),
    externalId: z.string(),
    accountRef: z.string(),
    amount: MoneySchema,
    paidAt: z.iso.datetime(),
    source: z.string().openapi({ description: "'api', 'csv-import', or a provider." }),
    method: z.string().nullable(),
    reference: z.string().nullable(),
    applied: MoneySchema.openapi({
      description: 'The part of the payment that reduced the balance.',
    }),
    surplus: MoneySchema.openapi({
      description: 'Paid beyond the balance; kept on the payment, not lost.',
    }),
    balance: z.union([MoneySchema, z.null()]).openapi({
      description: "The account's balance right after this payment.",
    }),
    allocations: z
      .array(z.object({ planId: z.uuid(), seq: z.int().min(1), amount: MoneySchema }))
      .openapi({ description: "What went to the active plan's installments, in seq order." }),
    completedPlanId: z
      .uuid()
      .nullable()
      .openapi({ description: 'The plan this payment completed.' }),
    keptPromiseIds: z
      .array(z.uuid())
      .openapi({ description: 'Promises to pay this payment kept.' }),
    confirmedClaimIds: z.array(z.uuid()).openapi({
      description: 'Open "I already paid" claims confirmed because the account is settled.',
    }),
    createdAt: z.iso.datetime(),
  }),
);

const ExternalIdParamsSchema = z.object({
  externalId: z.string().openapi({ example: 'PSE-20260310-000123' }),
});

registry.registerPath({
  method: 'post',
  path: '/api/v1/payments',
  tags: ['payments'],
  summary: 'Record a payment',
  description:
    'Applies a payment to its account in one transaction: the balance goes down (never below zero; ' +
    'the rest is a surplus), the active plan is paid installment by installment in order, pending ' +
    'promises whose window (from the day they were made to their date plus the policy’s ' +
    '`promiseGraceDays`, in the debtor’s time zone) is now covered are kept, and, when the account ' +
    'is settled, its open payment claims are confirmed. Idempotent by `external_id`: the same ' +
    'payment again answers 200 with the stored result and the header `Idempotent-Replayed: true`; ' +
    'the same id with another account, amount, currency or time is a 409.',
  security: apiKeySecurity,
  request: {
    body: { required: true, content: { 'application/json': { schema: PaymentBodySchema } } },
  },
  responses: {
    201: {
      description: 'Applied.',
      content: { 'application/json': { schema: PaymentResultSchema } },
    },
    200: {
      description: 'Already applied: the stored result, nothing changed.',
      content: { 'application/json': { schema: PaymentResultSchema } },
    },
    ...errorResponses(400, 401, 404, 409),
  },
});

registry.registerPath({
  method: 'get',
  path: '/api/v1/payments/{externalId}',
  tags: ['payments'],
  summary: 'One payment by its external id, with what it did',
  security: apiKeySecurity,
  request: { params: ExternalIdParamsSchema },
  responses: {
    200: {
      description: 'The payment.',
      content: { 'application/json': { schema: PaymentResultSchema } },
    },
    ...errorResponses(401, 404),
  },
});

/** A recorded payment as the API writes it. */
export function paymentResultJson(payment: RecordedPayment): z.infer<typeof PaymentResultSchema> {
  const { currency } = payment.amount;
  return {
    id: payment.id,
    externalId: payment.externalId,
    accountRef: payment.accountRef,
    amount: moneyJson(payment.amount),
    paidAt: payment.paidAt.toISOString(),
    source: payment.source,
    method: payment.method ?? null,
    reference: payment.reference ?? null,
    applied: moneyJson(payment.applied),
    surplus: moneyJson(payment.surplus),
    balance: payment.balanceAfter === undefined ? null : moneyJson(payment.balanceAfter),
    allocations: payment.allocations.map((a) => ({
      planId: a.planId,
      seq: a.seq,
      amount: moneyJson({ amount: a.amount, currency }),
    })),
    completedPlanId: payment.completedPlanId ?? null,
    keptPromiseIds: [...payment.keptPromiseIds],
    confirmedClaimIds: [...payment.confirmedClaimIds],
    createdAt: payment.createdAt.toISOString(),
  };
}

/** Turns a refused payment into the error the HTTP table maps (404, 409 or 400). */
function refusalError(outcome: Extract<RecordPaymentOutcome, { ok: false }>): AppError {
  switch (outcome.reason) {
    case 'unknown-account':
      return new AppError('not_found', outcome.message);
    case 'conflict':
      return new AppError('conflict', outcome.message, {
        details: outcome.differences.map((path) => ({
          path,
          message: 'differs from the payment stored under this external_id',
        })),
      });
    case 'currency-mismatch':
      return new AppError('bad_request', outcome.message, {
        details: [{ path: 'currency', message: `the account is in ${outcome.accountCurrency}` }],
      });
    case 'paid-in-future':
      return new AppError('bad_request', outcome.message, {
        details: [{ path: 'paid_at', message: 'after now' }],
      });
  }
}

/**
 * `POST /payments` and `GET /payments/:externalId`, mounted under /api/v1 behind the API key.
 * Grace days for promises come from the policy through `deps.promiseGraceDays`.
 */
export function paymentsRouter(
  deps: HttpDeps,
  payments: ApplyPaymentDeps = {
    store: createPaymentStore(deps.db),
    clock: deps.clock,
    graceDays: deps.promiseGraceDays ?? defaultGraceDays,
  },
): Router {
  const router = Router();

  router.post('/payments', async (req, res) => {
    const instruction = PaymentInstructionSchema.parse(req.body ?? {});
    const outcome = await applyPayment(payments, instruction, apiSource);
    if (!outcome.ok) throw refusalError(outcome);
    if (outcome.status === 'replayed') res.set('Idempotent-Replayed', 'true');
    res.status(outcome.status === 'applied' ? 201 : 200).json(paymentResultJson(outcome.payment));
  });

  router.get('/payments/:externalId', async (req, res) => {
    const payment = await payments.store.findByExternalId(req.params.externalId);
    if (payment === undefined) throw new AppError('not_found', 'no such payment');
    res.json(paymentResultJson(payment));
  });

  return router;
}
