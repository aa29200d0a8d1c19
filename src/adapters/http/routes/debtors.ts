import { Router } from 'express';
import { AppError } from '../../../domain/errors.js';
import { channels, contactKinds, type ContactKind } from '../../../domain/model.js';
import type {
  ContactPointRecord,
  DebtorDetail,
  DebtorListItem,
  PortfolioQueries,
} from '../../../ports/portfolio-queries.js';
import { createPgPortfolioQueries } from '../../postgres/portfolio-queries.js';
import type { HttpDeps } from '../app.js';
import { apiKeySecurity, errorResponses, registry, z } from '../openapi.js';
import { callingCodeOf } from '../../../domain/phone.js';
import {
  accountItemJson,
  AccountListItemSchema,
  countryParam,
  DebtorSummarySchema,
  defaultPageSize,
  pageOrBadCursor,
  pageParams,
  parseQuery,
} from './accounts.js';

/**
 * Masks a contact value for list views, keeping enough to tell numbers apart on a screen:
 * a phone keeps its country calling code and last four digits (+57******4567), an email its
 * first letter and domain (a***@example.com), anything else its last four characters.
 */
export function maskContactValue(kind: ContactKind, value: string): string {
  switch (kind) {
    case 'phone': {
      const digits = value.replace(/^\+/, '');
      const callingCode = callingCodeOf(value) ?? digits.slice(0, 1);
      const hidden = Math.max(0, digits.length - callingCode.length - 4);
      return `+${callingCode}${'*'.repeat(hidden)}${digits.slice(callingCode.length + hidden)}`;
    }
    case 'email': {
      const at = value.lastIndexOf('@');
      return at <= 0 ? '***' : `${value.slice(0, 1)}***${value.slice(at)}`;
    }
    case 'telegram':
      return `${'*'.repeat(Math.max(0, value.length - 4))}${value.slice(-4)}`;
  }
}

const DebtorListQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(100).optional().openapi({
    description:
      'Case-insensitive: a prefix of the debtor ref or name, or a whole word of the name.',
  }),
  country: countryParam,
  segment: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: "The debtor's segment, exact." }),
  tag: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: 'The debtor carries this tag.' }),
  ...pageParams,
});

const RefParamsSchema = z.object({
  ref: z
    .string()
    .openapi({ description: 'The debtor ref, or the debtor id (UUID).', example: 'D-1001' }),
});

const ContactPointSchema = registry.register(
  'ContactPoint',
  z.object({
    kind: z.enum(contactKinds),
    value: z.string().openapi({
      description:
        'Masked in lists (+57******4567); in full (E.164 for phones) on the single debtor.',
    }),
    hasConsent: z.boolean(),
    createdAt: z.iso.datetime(),
  }),
);

const debtorListShape = {
  ...DebtorSummarySchema.shape,
  contactPoints: z.array(ContactPointSchema),
  accountCount: z.int().min(0),
};

const DebtorListItemSchema = registry.register(
  'DebtorListItem',
  z
    .object(debtorListShape)
    .openapi({ description: 'A debtor as listed; contact values are masked.' }),
);

const DebtorPageSchema = registry.register(
  'DebtorPage',
  z.object({
    items: z.array(DebtorListItemSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  }),
);

const DebtorDetailSchema = registry.register(
  'DebtorDetail',
  z.object({
    ...debtorListShape,
    contactPoints: z.array(ContactPointSchema).openapi({ description: 'Unmasked.' }),
    documentId: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    optOuts: z.array(
      z.object({
        channel: z.enum([...channels, 'all']),
        optedOutAt: z.iso.datetime(),
        source: z.string(),
      }),
    ),
    accounts: z
      .array(AccountListItemSchema)
      .openapi({ description: 'In due date order, at most 500.' }),
  }),
);

registry.registerPath({
  method: 'get',
  path: '/api/v1/debtors',
  tags: ['debtors'],
  summary: 'List debtors',
  description: 'In debtor ref order. Keyset pagination: follow `nextCursor` until it is null.',
  security: apiKeySecurity,
  request: { query: DebtorListQuerySchema },
  responses: {
    200: {
      description: 'A page of debtors.',
      content: { 'application/json': { schema: DebtorPageSchema } },
    },
    ...errorResponses(400, 401),
  },
});

registry.registerPath({
  method: 'get',
  path: '/api/v1/debtors/{ref}',
  tags: ['debtors'],
  summary: 'One debtor with contact points, opt-outs and accounts',
  security: apiKeySecurity,
  request: { params: RefParamsSchema },
  responses: {
    200: {
      description: 'The debtor.',
      content: { 'application/json': { schema: DebtorDetailSchema } },
    },
    ...errorResponses(401, 404),
  },
});

function contactJson(
  contact: ContactPointRecord,
  isMasked: boolean,
): z.infer<typeof ContactPointSchema> {
  return {
    kind: contact.kind,
    value: isMasked ? maskContactValue(contact.kind, contact.value) : contact.value,
    hasConsent: contact.hasConsent,
    createdAt: contact.createdAt.toISOString(),
  };
}

function debtorItemJson(
  debtor: DebtorListItem,
  isMasked: boolean,
): z.infer<typeof DebtorListItemSchema> {
  return {
    id: debtor.id,
    ref: debtor.ref,
    name: debtor.name,
    country: debtor.country ?? null,
    timeZone: debtor.timeZone,
    locale: debtor.locale,
    segment: debtor.segment ?? null,
    tags: [...debtor.tags],
    contactPoints: debtor.contactPoints.map((c) => contactJson(c, isMasked)),
    accountCount: debtor.accountCount,
  };
}

function debtorDetailJson(debtor: DebtorDetail): z.infer<typeof DebtorDetailSchema> {
  return {
    ...debtorItemJson(debtor, false),
    documentId: debtor.documentId ?? null,
    createdAt: debtor.createdAt.toISOString(),
    updatedAt: debtor.updatedAt.toISOString(),
    optOuts: debtor.optOuts.map((o) => ({
      channel: o.channel,
      optedOutAt: o.optedOutAt.toISOString(),
      source: o.source,
    })),
    accounts: debtor.accounts.map(accountItemJson),
  };
}

/** `GET /debtors` and `GET /debtors/:ref`, mounted under /api/v1 behind the API key. */
export function debtorsRouter(
  deps: HttpDeps,
  queries: PortfolioQueries = createPgPortfolioQueries(deps.db.pool),
): Router {
  const router = Router();

  router.get('/debtors', async (req, res) => {
    const { limit, cursor, ...filter } = parseQuery(DebtorListQuerySchema, req);
    const page = pageOrBadCursor(
      await queries.listDebtors({ ...filter, limit: limit ?? defaultPageSize, cursor }),
    );
    res.json({
      items: page.items.map((d) => debtorItemJson(d, true)),
      nextCursor: page.nextCursor ?? null,
    });
  });

  router.get('/debtors/:ref', async (req, res) => {
    const debtor = await queries.getDebtor(req.params.ref, deps.clock.now());
    if (debtor === undefined) throw new AppError('not_found', 'no such debtor');
    res.json(debtorDetailJson(debtor));
  });

  return router;
}
