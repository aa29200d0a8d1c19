import { Router } from 'express';
import {
  campaignWithProgress,
  changeCampaignStatus,
  createCampaign,
  createSegment,
  dryRunCampaign,
  previewSegment,
  type CampaignDeps,
  type DryRun,
} from '../../../app/campaigns.js';
import {
  CampaignDefinitionSchema,
  SegmentFilterSchema,
  type Campaign,
} from '../../../domain/campaigns/index.js';
import { AppError } from '../../../domain/errors.js';
import type { CampaignOutcomes, Segment } from '../../../ports/campaign-store.js';
import { apiKeySecurity, errorResponses, moneyJson, MoneySchema, registry, z } from '../openapi.js';

const SegmentBodySchema = registry.register(
  'SegmentRequest',
  z
    .strictObject({
      name: z.string().trim().min(1).max(200).openapi({ example: '31-60 sin promesa' }),
      // Domain schemas exist before `.openapi()` is added to zod: clones made here have it.
      filter: SegmentFilterSchema.clone().openapi({
        description:
          'Criteria, all of which must hold (an absent one matches everything): aging buckets ' +
          '(days past due in the debtor’s calendar), balance range in integer minor units of one ' +
          'currency, products, countries, tags (any/all), the latest promise’s status ' +
          '(none/pending/broken/kept), last contact before/after (ISO instant or {daysAgo}), and ' +
          'reachable channels. Opted-out debtors, inactive accounts and zero balances are always left out.',
        example: { aging: ['31-60'], promise: ['none', 'broken'], hasChannel: ['phone'] },
      }),
    })
    .openapi({ description: 'A saved filter over the portfolio.' }),
);

const SegmentSchema = registry.register(
  'Segment',
  z.object({
    id: z.uuid(),
    name: z.string(),
    filter: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  }),
);

const SegmentPreviewSchema = registry.register(
  'SegmentPreview',
  z.object({
    segment: SegmentSchema,
    count: z.int().openapi({ description: 'Accounts in the segment now.' }),
    sample: z.array(
      z.object({
        accountRef: z.string(),
        debtorRef: z.string(),
        balance: MoneySchema,
        dueDate: z.string(),
        daysPastDue: z.int(),
        product: z.string().nullable(),
        country: z.string().nullable(),
      }),
    ),
  }),
);

const CampaignBodySchema = registry.register(
  'CampaignRequest',
  CampaignDefinitionSchema.clone().openapi({
    description:
      'A campaign: a segment, the flow a debtor who answers talks to, the channel order, one or ' +
      'more weighted template variants (an A/B split when more than one; each debtor always gets ' +
      'the same one), a start, an optional daily window in the debtor’s own hours and an optional ' +
      'throttle in messages per minute. The contact policy decides every message on top.',
    example: {
      name: 'Noviembre 31-60',
      segmentId: '7f1c1b36-3a5e-4f55-9f0b-0d9e2f6b1a10',
      flow: 'default',
      channels: ['whatsapp', 'sms'],
      variants: [
        { id: 'a', template: 'account_reminder', weight: 1 },
        { id: 'b', template: 'overdue_notice', weight: 1 },
      ],
      startsAt: '2026-11-24T13:00:00Z',
      window: { from: '09:00', to: '18:00' },
      throttle: 60,
    },
  }),
);

/** A dry run of a campaign not yet saved: the definition without a name. */
const DraftBodySchema = CampaignDefinitionSchema.omit({ name: true, throttle: true }).extend({
  startsAt: CampaignDefinitionSchema.shape.startsAt.optional(),
});

const CampaignSchema = registry.register(
  'Campaign',
  z.object({
    id: z.uuid(),
    name: z.string(),
    segmentId: z.uuid(),
    flow: z.string(),
    channels: z.array(z.string()),
    variants: z.array(z.object({ id: z.string(), template: z.string(), weight: z.int() })),
    startsAt: z.string(),
    window: z.object({ from: z.string(), to: z.string() }).nullable(),
    throttle: z.int().nullable(),
    status: z.enum(['draft', 'running', 'paused', 'stopped', 'finished']),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
);

const outcomesShape = {
  targets: z.int(),
  queued: z.int(),
  deferred: z.int(),
  denied: z.int(),
  skipped: z.int().openapi({ description: 'Accounts whose debtor had the message for another.' }),
  sent: z.int(),
  delivered: z.int(),
  read: z.int(),
  failed: z.int(),
  replied: z.int(),
  verified: z.int(),
  promises: z.int(),
  amountPromised: z.array(MoneySchema).openapi({ description: 'One entry per currency.' }),
  plans: z.int(),
  optOuts: z.int(),
};

const CampaignDetailSchema = registry.register(
  'CampaignDetail',
  CampaignSchema.extend({
    progress: z.object({
      ...outcomesShape,
      variants: z.array(z.object({ variant: z.string(), ...outcomesShape })),
    }),
  }),
);

const DryRunSchema = registry.register(
  'CampaignDryRun',
  z.object({
    at: z.string(),
    accounts: z.int(),
    now: z.int().openapi({ description: 'Debtors whose message would be due now.' }),
    later: z.object({
      count: z.int(),
      earliest: z.string().nullable(),
      byRule: z.record(z.string(), z.int()),
    }),
    never: z.object({ count: z.int(), byRule: z.record(z.string(), z.int()) }),
    skipped: z.int(),
    byVariant: z.record(z.string(), z.int()),
  }),
);

const IdParamsSchema = z.object({ id: z.string() });

const tags = ['campaigns'];
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

registry.registerPath({
  method: 'post',
  path: '/api/v1/segments',
  tags,
  summary: 'Save a segment',
  security: apiKeySecurity,
  request: { body: { required: true, content: json(SegmentBodySchema) } },
  responses: {
    201: { description: 'Saved.', content: json(SegmentSchema) },
    ...errorResponses(400, 401, 409),
  },
});
registry.registerPath({
  method: 'get',
  path: '/api/v1/segments',
  tags,
  summary: 'List segments',
  security: apiKeySecurity,
  responses: {
    200: { description: 'Segments.', content: json(z.object({ items: z.array(SegmentSchema) })) },
    ...errorResponses(401),
  },
});
registry.registerPath({
  method: 'get',
  path: '/api/v1/segments/{id}/preview',
  tags,
  summary: 'How many accounts a segment holds now, with a sample',
  security: apiKeySecurity,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: 'The preview.', content: json(SegmentPreviewSchema) },
    ...errorResponses(401, 404),
  },
});
registry.registerPath({
  method: 'post',
  path: '/api/v1/campaigns',
  tags,
  summary: 'Create a campaign (as a draft)',
  security: apiKeySecurity,
  request: { body: { required: true, content: json(CampaignBodySchema) } },
  responses: {
    201: { description: 'Created.', content: json(CampaignSchema) },
    ...errorResponses(400, 401, 409),
  },
});
registry.registerPath({
  method: 'get',
  path: '/api/v1/campaigns',
  tags,
  summary: 'List campaigns',
  security: apiKeySecurity,
  responses: {
    200: { description: 'Campaigns.', content: json(z.object({ items: z.array(CampaignSchema) })) },
    ...errorResponses(401),
  },
});
registry.registerPath({
  method: 'get',
  path: '/api/v1/campaigns/{id}',
  tags,
  summary: 'A campaign with its progress and outcomes, overall and per variant',
  security: apiKeySecurity,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: 'The campaign.', content: json(CampaignDetailSchema) },
    ...errorResponses(401, 404),
  },
});
registry.registerPath({
  method: 'post',
  path: '/api/v1/campaigns/{id}/dry-run',
  tags,
  summary: 'What the campaign would do now, without sending',
  description:
    'Decides every account of the segment not yet targeted as a run would now (or at the start, ' +
    'if later): the daily window, the channel order, the templates and the contact policy. ' +
    'Counts debtors contacted now, later (with the earliest time and the rules that defer them) ' +
    'and never (by the rule that refuses them). Writes nothing.',
  security: apiKeySecurity,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: 'The dry run.', content: json(DryRunSchema) },
    ...errorResponses(401, 404),
  },
});
registry.registerPath({
  method: 'post',
  path: '/api/v1/campaigns/dry-run',
  tags,
  summary: 'Dry run a campaign definition before saving it',
  security: apiKeySecurity,
  request: { body: { required: true, content: json(DraftBodySchema) } },
  responses: {
    200: { description: 'The dry run.', content: json(DryRunSchema) },
    ...errorResponses(400, 401),
  },
});
for (const action of ['start', 'pause', 'resume', 'stop'] as const) {
  registry.registerPath({
    method: 'post',
    path: `/api/v1/campaigns/{id}/${action}`,
    tags,
    summary: `${action[0]?.toUpperCase()}${action.slice(1)} a campaign`,
    description:
      'draft -start-> running -pause-> paused -resume-> running; stop from draft, running or ' +
      'paused (messages still waiting in the outbox are cancelled). Any other move is a 409.',
    security: apiKeySecurity,
    request: { params: IdParamsSchema },
    responses: {
      200: { description: 'The campaign after the change.', content: json(CampaignSchema) },
      ...errorResponses(401, 404, 409),
    },
  });
}

const iso = (d: Date | undefined): string | null => (d === undefined ? null : d.toISOString());

function segmentJson(segment: Segment): z.infer<typeof SegmentSchema> {
  return {
    id: segment.id,
    name: segment.name,
    filter: segment.filter,
    createdAt: segment.createdAt.toISOString(),
  };
}

function campaignJson(campaign: Campaign): z.infer<typeof CampaignSchema> {
  return {
    id: campaign.id,
    name: campaign.name,
    segmentId: campaign.segmentId,
    flow: campaign.flow,
    channels: [...campaign.channels],
    variants: campaign.variants.map((v) => ({ ...v })),
    startsAt: campaign.startsAt.toISOString(),
    window: campaign.window ?? null,
    throttle: campaign.throttle ?? null,
    status: campaign.status,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
    startedAt: iso(campaign.startedAt),
    finishedAt: iso(campaign.finishedAt),
  };
}

function outcomesJson(outcomes: CampaignOutcomes) {
  return { ...outcomes, amountPromised: outcomes.amountPromised.map(moneyJson) };
}

function dryRunJson(dry: DryRun): z.infer<typeof DryRunSchema> {
  return {
    ...dry,
    at: dry.at.toISOString(),
    later: { ...dry.later, earliest: iso(dry.later.earliest) },
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that cannot name a row is a 404, not a database error. */
function idOf(raw: string, what: 'segment' | 'campaign'): string {
  if (!uuidPattern.test(raw)) throw new AppError('not_found', `no ${what} ${raw}`);
  return raw;
}

/** Segments and campaigns: create, list, preview, dry run, start, pause, resume, stop. */
export function campaignsRouter(deps: CampaignDeps): Router {
  const router = Router();

  router.post('/segments', async (req, res) => {
    const body = SegmentBodySchema.parse(req.body ?? {});
    res.status(201).json(segmentJson(await createSegment(deps, body.name, body.filter)));
  });

  router.get('/segments', async (_req, res) => {
    res.json({ items: (await deps.campaigns.listSegments()).map(segmentJson) });
  });

  router.get('/segments/:id/preview', async (req, res) => {
    const preview = await previewSegment(deps, idOf(req.params.id, 'segment'));
    res.json({
      segment: segmentJson(preview.segment),
      count: preview.count,
      sample: preview.sample.map((row) => ({
        ...row,
        balance: moneyJson(row.balance),
        product: row.product ?? null,
        country: row.country ?? null,
      })),
    });
  });

  router.post('/campaigns', async (req, res) => {
    const definition = CampaignBodySchema.parse(req.body ?? {});
    res.status(201).json(campaignJson(await createCampaign(deps, definition)));
  });

  router.get('/campaigns', async (_req, res) => {
    res.json({ items: (await deps.campaigns.listCampaigns()).map(campaignJson) });
  });

  router.post('/campaigns/dry-run', async (req, res) => {
    const draft = DraftBodySchema.parse(req.body ?? {});
    res.json(dryRunJson(await dryRunCampaign(deps, draft)));
  });

  router.get('/campaigns/:id', async (req, res) => {
    const { campaign, progress } = await campaignWithProgress(
      deps,
      idOf(req.params.id, 'campaign'),
    );
    res.json({
      ...campaignJson(campaign),
      progress: {
        ...outcomesJson(progress),
        variants: progress.variants.map((v) => ({ ...outcomesJson(v), variant: v.variant })),
      },
    });
  });

  router.post('/campaigns/:id/dry-run', async (req, res) => {
    res.json(dryRunJson(await dryRunCampaign(deps, idOf(req.params.id, 'campaign'))));
  });

  for (const action of ['start', 'pause', 'resume', 'stop'] as const) {
    router.post(`/campaigns/:id/${action}`, async (req, res) => {
      const campaign = await changeCampaignStatus(deps, idOf(req.params.id, 'campaign'), action);
      res.json(campaignJson(campaign));
    });
  }

  return router;
}
