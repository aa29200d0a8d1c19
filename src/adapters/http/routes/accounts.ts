import { Router, type Request } from 'express';
import { agingBuckets } from '../../../domain/aging.js';
import { AppError } from '../../../domain/errors.js';
import { accountStatuses, channels, planStatuses, promiseStatuses } from '../../../domain/model.js';
import { minor, toCurrencyCode } from '../../../domain/money.js';
import {
  accountSorts,
  maxPageSize,
  sortOrders,
  type AccountDetail,
  type AccountListItem,
  type PageResult,
  type PortfolioQueries,
} from '../../../ports/portfolio-queries.js';
import { createPgPortfolioQueries } from '../../postgres/portfolio-queries.js';
import type { HttpDeps } from '../app.js';
import {
  apiKeySecurity,
  errorResponses,
  moneyJson,
  MoneySchema,
  NullableMoneySchema,
  registry,
  z,
} from '../openapi.js';

// ---------------------------------------------------------------------------------------------
// Query parameters shared by the list endpoints

/** A non-negative integer written in a query string, documented as an integer. */
function integerParam(min: number, max: number, description: string) {
  return z
    .string()
    .regex(/^\d{1,16}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.int().min(min).max(max))
    .optional()
    .openapi({ type: 'integer', minimum: min, maximum: max, description });
}

function textParam(description: string, max = 100) {
  return z.string().trim().min(1).max(max).optional().openapi({ description });
}

/** `limit` and `cursor`, as every list takes them. */
export const pageParams = {
  limit: integerParam(1, maxPageSize, `Page size, 1 to ${maxPageSize}; 50 when absent.`),
  cursor: z.string().max(2000).optional().openapi({
    description:
      'The `nextCursor` of the previous page, as given. Only valid with the same filters and sort.',
  }),
};

export const defaultPageSize = 50;

export const countryParam = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'expected an ISO 3166 alpha-2 code')
  .transform((v) => v.toUpperCase())
  .optional()
  .openapi({
    type: 'string',
    description: "The debtor's country, ISO 3166 alpha-2.",
    example: 'CO',
  });

/**
 * Parses `req.query` with a strict schema: unknown parameters are refused, not ignored, so a
 * misspelt filter cannot silently widen a list. A 400 lists every bad parameter in `details`.
 */
export function parseQuery<T extends z.ZodType>(schema: T, req: Request): z.output<T> {
  const result = schema.safeParse(req.query);
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: 'unknown parameter' }))
      : [{ path: issue.path.join('.'), message: issue.message }],
  );
  throw new AppError('bad_request', 'invalid query parameters', { details });
}

/** Turns an expected list outcome into a page, or a 400 naming the cursor. */
export function pageOrBadCursor<T>(result: PageResult<T>): {
  items: readonly T[];
  nextCursor: string | undefined;
} {
  if (result.ok) return result.page;
  throw new AppError('bad_request', 'invalid cursor', {
    details: [
      { path: 'cursor', message: 'not a cursor this list issued for these filters and sort' },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Schemas

const AccountListQuerySchema = z
  .strictObject({
    status: z.enum(accountStatuses).optional().openapi({ description: 'Account status.' }),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'expected an ISO 4217 code')
      .transform((v, ctx) => {
        const code = toCurrencyCode(v);
        if (code === undefined) {
          ctx.addIssue({ code: 'custom', message: 'not an active ISO 4217 currency' });
          return z.NEVER;
        }
        return code;
      })
      .optional()
      .openapi({ type: 'string', description: 'ISO 4217 code, any case.', example: 'COP' }),
    segment: textParam("The account's segment, exact."),
    product: textParam("The account's product, exact."),
    country: countryParam,
    agingBucket: z
      .preprocess(
        // A literal "+" in a query string decodes to a space: accept "180+" however it arrives.
        (v) => (typeof v === 'string' && v.trim() === '180' ? '180+' : v),
        z.enum(agingBuckets),
      )
      .optional()
      .openapi({
        type: 'string',
        enum: [...agingBuckets],
        description:
          "Days past due on the server's clock, in the debtor's time zone: current (not past " +
          'due), 1-30, 31-60, 61-90, 91-180, 180+ (write 180%2B).',
      }),
    minBalance: integerParam(
      0,
      Number.MAX_SAFE_INTEGER,
      'Lowest balance, inclusive, in minor units.',
    ),
    maxBalance: integerParam(
      0,
      Number.MAX_SAFE_INTEGER,
      'Highest balance, inclusive, in minor units.',
    ),
    debtorRef: textParam("The debtor's ref, exact.", 200),
    q: textParam(
      'Case-insensitive search: a prefix of the account ref, the debtor ref or the debtor ' +
        'name, or a whole word of the name.',
    ),
    sort: z
      .enum(accountSorts)
      .default('dueDate')
      .openapi({
        description:
          'Sort key; ties are broken by account id. daysPastDue orders by days since the due ' +
          'date in the debtor’s zone, so accounts not yet due come in order of how soon they fall due.',
      }),
    order: z.enum(sortOrders).default('asc'),
    ...pageParams,
  })
  .refine(
    (q) => q.minBalance === undefined || q.maxBalance === undefined || q.minBalance <= q.maxBalance,
    {
      path: ['maxBalance'],
      message: 'maxBalance is below minBalance',
    },
  );

const RefParamsSchema = z.object({
  ref: z
    .string()
    .openapi({ description: 'The account ref, or the account id (UUID).', example: 'A-1001' }),
});

const DebtorLinkSchema = z.object({ id: z.uuid(), ref: z.string(), name: z.string() });

/** The debtor fields shown beside an account or in the debtor list (no contact values). */
export const DebtorSummarySchema = registry.register(
  'DebtorSummary',
  DebtorLinkSchema.extend({
    country: z.string().nullable(),
    timeZone: z.string().openapi({ example: 'America/Bogota' }),
    locale: z.string().openapi({ example: 'es-CO' }),
    segment: z.string().nullable(),
    tags: z.array(z.string()),
  }),
);

const accountShape = {
  id: z.uuid(),
  ref: z.string(),
  debtor: DebtorLinkSchema,
  currency: z.string().openapi({ example: 'COP' }),
  balance: MoneySchema,
  originalAmount: NullableMoneySchema,
  minPayment: NullableMoneySchema,
  dueDate: z.iso.date(),
  daysPastDue: z.int().min(0).openapi({
    description:
      "Whole days after the due date on the server's clock in the debtor's zone; 0 until then.",
  }),
  agingBucket: z.enum(agingBuckets),
  product: z.string().nullable(),
  segment: z.string().nullable(),
  status: z.enum(accountStatuses),
};

/** An account as listed. */
export const AccountListItemSchema = registry.register('AccountListItem', z.object(accountShape));

const AccountPageSchema = registry.register(
  'AccountPage',
  z.object({
    items: z.array(AccountListItemSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  }),
);

const PromiseSchema = z.object({
  id: z.uuid(),
  amount: MoneySchema,
  dueDate: z.iso.date(),
  status: z.enum(promiseStatuses),
  conversationId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().nullable(),
});

const PlanSchema = z.object({
  id: z.uuid(),
  total: MoneySchema,
  status: z.enum(planStatuses),
  createdAt: z.iso.datetime(),
  installments: z.array(
    z.object({
      seq: z.int().min(1),
      amount: MoneySchema,
      paid: MoneySchema,
      dueDate: z.iso.date(),
    }),
  ),
});

const PaymentSchema = z.object({
  id: z.uuid(),
  amount: MoneySchema,
  paidAt: z.iso.datetime(),
  source: z.string(),
  externalId: z.string().nullable(),
});

const ConversationSummarySchema = z.object({
  id: z.uuid(),
  channel: z.enum(channels),
  owner: z.enum(['bot', 'agent']),
  status: z.enum(['open', 'closed']),
  updatedAt: z.iso.datetime(),
});

const AuditEntrySchema = z.object({
  id: z.int(),
  at: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  data: z.unknown(),
});

const AccountDetailSchema = registry.register(
  'AccountDetail',
  z.object({
    ...accountShape,
    debtor: DebtorSummarySchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    promises: z.array(PromiseSchema).openapi({ description: 'Newest first, at most 100.' }),
    plans: z
      .array(PlanSchema)
      .openapi({ description: 'Newest first, at most 50; installments in order.' }),
    payments: z.array(PaymentSchema).openapi({ description: 'Newest first, at most 100.' }),
    conversations: z.array(ConversationSummarySchema).openapi({
      description:
        "About this account, or the debtor's about no account; newest first, at most 50.",
    }),
    audit: z.array(AuditEntrySchema).openapi({ description: 'The 20 most recent audit entries.' }),
  }),
);

registry.registerPath({
  method: 'get',
  path: '/api/v1/accounts',
  tags: ['accounts'],
  summary: 'List accounts',
  description: 'Filters combine with AND. Keyset pagination: follow `nextCursor` until it is null.',
  security: apiKeySecurity,
  request: { query: AccountListQuerySchema },
  responses: {
    200: {
      description: 'A page of accounts.',
      content: { 'application/json': { schema: AccountPageSchema } },
    },
    ...errorResponses(400, 401),
  },
});

registry.registerPath({
  method: 'get',
  path: '/api/v1/accounts/{ref}',
  tags: ['accounts'],
  summary: 'One account with its debtor, promises, plans, payments, conversations and audit trail',
  security: apiKeySecurity,
  request: { params: RefParamsSchema },
  responses: {
    200: {
      description: 'The account.',
      content: { 'application/json': { schema: AccountDetailSchema } },
    },
    ...errorResponses(401, 404),
  },
});

// ---------------------------------------------------------------------------------------------
// JSON

const iso = (instant: Date): string => instant.toISOString();

/** An account list item as the API writes it. */
export function accountItemJson(item: AccountListItem): z.infer<typeof AccountListItemSchema> {
  return {
    id: item.id,
    ref: item.ref,
    debtor: { id: item.debtor.id, ref: item.debtor.ref, name: item.debtor.name },
    currency: item.currency,
    balance: moneyJson(item.balance),
    originalAmount: item.originalAmount === undefined ? null : moneyJson(item.originalAmount),
    minPayment: item.minPayment === undefined ? null : moneyJson(item.minPayment),
    dueDate: item.dueDate,
    daysPastDue: item.daysPastDue,
    agingBucket: item.agingBucket,
    product: item.product ?? null,
    segment: item.segment ?? null,
    status: item.status,
  };
}

function accountDetailJson(account: AccountDetail): z.infer<typeof AccountDetailSchema> {
  const { debtor } = account;
  return {
    ...accountItemJson(account),
    debtor: {
      id: debtor.id,
      ref: debtor.ref,
      name: debtor.name,
      country: debtor.country ?? null,
      timeZone: debtor.timeZone,
      locale: debtor.locale,
      segment: debtor.segment ?? null,
      tags: [...debtor.tags],
    },
    createdAt: iso(account.createdAt),
    updatedAt: iso(account.updatedAt),
    promises: account.promises.map((p) => ({
      id: p.id,
      amount: moneyJson(p.amount),
      dueDate: p.dueDate,
      status: p.status,
      conversationId: p.conversationId ?? null,
      createdAt: iso(p.createdAt),
      resolvedAt: p.resolvedAt === undefined ? null : iso(p.resolvedAt),
    })),
    plans: account.plans.map((plan) => ({
      id: plan.id,
      total: moneyJson(plan.total),
      status: plan.status,
      createdAt: iso(plan.createdAt),
      installments: plan.installments.map((i) => ({
        seq: i.seq,
        amount: moneyJson({ amount: i.amount, currency: plan.total.currency }),
        paid: moneyJson({ amount: minor(i.paid), currency: plan.total.currency }),
        dueDate: i.dueDate,
      })),
    })),
    payments: account.payments.map((p) => ({
      id: p.id,
      amount: moneyJson(p.amount),
      paidAt: iso(p.paidAt),
      source: p.source,
      externalId: p.externalId ?? null,
    })),
    conversations: account.conversations.map((c) => ({
      id: c.id,
      channel: c.channel,
      owner: c.owner,
      status: c.status,
      updatedAt: iso(c.updatedAt),
    })),
    audit: account.audit.map((a) => ({
      id: a.id,
      at: iso(a.at),
      actor: a.actor,
      action: a.action,
      data: a.data,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Routes

/**
 * `GET /accounts` and `GET /accounts/:ref`, mounted under /api/v1 behind the API key. Ages
 * accounts on `deps.clock`.
 */
export function accountsRouter(
  deps: HttpDeps,
  queries: PortfolioQueries = createPgPortfolioQueries(deps.db.pool),
): Router {
  const router = Router();

  router.get('/accounts', async (req, res) => {
    const { limit, cursor, ...filter } = parseQuery(AccountListQuerySchema, req);
    const result = await queries.listAccounts(
      {
        ...filter,
        minBalance: filter.minBalance === undefined ? undefined : minor(filter.minBalance),
        maxBalance: filter.maxBalance === undefined ? undefined : minor(filter.maxBalance),
        limit: limit ?? defaultPageSize,
        cursor,
      },
      deps.clock.now(),
    );
    const page = pageOrBadCursor(result);
    res.json({ items: page.items.map(accountItemJson), nextCursor: page.nextCursor ?? null });
  });

  router.get('/accounts/:ref', async (req, res) => {
    const account = await queries.getAccount(req.params.ref, deps.clock.now());
    if (account === undefined) throw new AppError('not_found', 'no such account');
    res.json(accountDetailJson(account));
  });

  return router;
}
