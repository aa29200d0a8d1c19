import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import pino from 'pino';
import {
  campaignWithProgress,
  changeCampaignStatus,
  createCampaign,
  createSegment,
  dryRunCampaign,
  previewSegment,
  runCampaigns,
  type CampaignDeps,
  type DryRun,
} from '../../app/campaigns.js';
import { loadConfig, type Config } from '../../config.js';
import {
  CampaignDefinitionSchema,
  SegmentFilterSchema,
  type CampaignVariant,
} from '../../domain/campaigns/index.js';
import { AppError } from '../../domain/errors.js';
import { formatDecimal } from '../../domain/money.js';
import type { Provider } from '../../domain/messaging/message.js';
import type { CampaignOutcomes } from '../../ports/campaign-store.js';
import { buildConversationDeps, buildOutreachDeps, openStore } from '../../main.js';
import { createLogger } from '../logger.js';
import { PostgresCampaignStore } from '../postgres/campaign-store.js';
import { systemClock } from '../system-clock.js';

/** The providers the configuration enables, so campaigns choose channels as `serve` would. */
function configuredProviders(config: Config): Provider[] {
  const providers: Provider[] = [];
  if (config.channels.whatsappCloud !== undefined) providers.push('whatsapp-cloud');
  if (config.channels.baileys !== undefined) providers.push('whatsapp-baileys');
  if (config.channels.twilioSms !== undefined) providers.push('twilio-sms');
  if (config.channels.telegram !== undefined) providers.push('telegram');
  return providers;
}

type LightDeps = Pick<CampaignDeps, 'campaigns' | 'clock'>;

/** Opens the store for one command that reads or changes campaigns without deciding messages. */
async function withStore<T>(work: (deps: LightDeps) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const db = await openStore(config, createLogger(config.logLevel, pino.destination(2)));
  try {
    return await work({ campaigns: new PostgresCampaignStore(db.pool), clock: systemClock });
  } finally {
    await db.close();
  }
}

/**
 * Opens the store with what deciding messages needs (the contact policy, templates, flows and
 * the configured channels): creating, dry-running and running campaigns.
 */
async function withCampaignDeps<T>(work: (deps: CampaignDeps) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, pino.destination(2));
  const db = await openStore(config, logger);
  try {
    const conversations = await buildConversationDeps(config, db, systemClock, logger);
    const outreach = await buildOutreachDeps(
      config,
      db,
      conversations,
      configuredProviders(config),
    );
    return await work({ ...outreach, campaigns: new PostgresCampaignStore(db.pool) });
  } finally {
    await db.close();
  }
}

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

function issuesOf(error: { issues: readonly { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .map((i) => `  ${i.path.map(String).join('.') || '(top)'}: ${i.message}`)
    .join('\n');
}

function jsonArgument(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected JSON');
  }
}

/** `a:account_reminder:3` -> { id: 'a', template: 'account_reminder', weight: 3 }. */
function variantArgument(value: string, previous: CampaignVariant[] = []): CampaignVariant[] {
  const [id, template, weight = '1'] = value.split(':');
  if (id === undefined || template === undefined || id === '' || template === '')
    throw new InvalidArgumentError('expected id:template[:weight]');
  return [...previous, { id, template, weight: Number(weight) }];
}

function describeDryRun(dry: DryRun): string {
  const rules = (byRule: Readonly<Record<string, number>>): string =>
    Object.entries(byRule)
      .map(([rule, n]) => `${rule} ${n}`)
      .join(', ') || '-';
  return [
    `dry run at ${dry.at.toISOString()}: ${dry.accounts} accounts not yet targeted`,
    `  now    ${dry.now}`,
    `  later  ${dry.later.count}${dry.later.earliest === undefined ? '' : ` (earliest ${dry.later.earliest.toISOString()})`}  ${rules(dry.later.byRule)}`,
    `  never  ${dry.never.count}  ${rules(dry.never.byRule)}`,
    `  skipped (debtor has another account in the campaign) ${dry.skipped}`,
    `  by variant: ${rules(dry.byVariant)}`,
  ].join('\n');
}

function describeOutcomes(label: string, o: CampaignOutcomes): string {
  const promised = o.amountPromised.map((m) => `${formatDecimal(m)} ${m.currency}`).join(' + ');
  return (
    `  ${label.padEnd(10)} targets ${o.targets} (queued ${o.queued}, deferred ${o.deferred}, denied ${o.denied}, skipped ${o.skipped})` +
    `  sent ${o.sent} delivered ${o.delivered} read ${o.read} failed ${o.failed}` +
    `  replied ${o.replied} verified ${o.verified} promises ${o.promises}${promised === '' ? '' : ` (${promised})`}` +
    ` plans ${o.plans} opt-outs ${o.optOuts}`
  );
}

/** Registers `cuota segments ...` and `cuota campaigns ...`. */
export function registerCampaigns(program: Command): void {
  const segments = program.command('segments').description('saved filters over the portfolio');
  segments
    .command('create')
    .description('save a segment')
    .requiredOption('--name <name>', 'a unique name')
    .requiredOption(
      '--filter <json>',
      'criteria as JSON, e.g. \'{"aging":["31-60"],"promise":["none"],"hasChannel":["phone"]}\'',
      jsonArgument,
    )
    .action(async (options: { name: string; filter: unknown }) => {
      const filter = SegmentFilterSchema.safeParse(options.filter);
      if (!filter.success)
        throw new AppError('bad_request', `invalid --filter:\n${issuesOf(filter.error)}`);
      await withStore(async (deps) => {
        print(await createSegment(deps, options.name, filter.data));
      });
    });
  segments
    .command('list')
    .description('list saved segments')
    .action(async () => {
      await withStore(async (deps) => {
        print(await deps.campaigns.listSegments());
      });
    });
  segments
    .command('preview')
    .description('how many accounts a segment holds now, with a sample')
    .argument('<id>')
    .action(async (id: string) => {
      await withStore(async (deps) => {
        print(await previewSegment(deps, id));
      });
    });

  const campaigns = program
    .command('campaigns')
    .description('outbound campaigns over a segment, under the contact policy');
  campaigns
    .command('create')
    .description('create a campaign as a draft (start it with `cuota campaigns start <id>`)')
    .requiredOption('--name <name>', 'a unique name')
    .requiredOption('--segment <id>', 'the segment id')
    .option('--flow <id>', 'the flow a debtor who answers talks to', 'default')
    .option('--channels <list>', 'channel order, comma separated', 'whatsapp,sms')
    .option('--template <name>', 'the template (a single variant)')
    .option(
      '--variant <id:template[:weight]>',
      'an A/B variant; repeat for each (weights default to 1)',
      variantArgument,
    )
    .option('--starts-at <iso>', 'ISO 8601 start (default: now)')
    .option('--window <HH:MM-HH:MM>', "daily window in the debtor's own hours")
    .option('--throttle <n>', 'messages per minute at most', Number)
    .action(
      async (options: {
        name: string;
        segment: string;
        flow: string;
        channels: string;
        template?: string;
        variant?: CampaignVariant[];
        startsAt?: string;
        window?: string;
        throttle?: number;
      }) => {
        const variants =
          options.variant ??
          (options.template === undefined
            ? undefined
            : [{ id: 'a', template: options.template, weight: 1 }]);
        const [from, to] = options.window?.split('-') ?? [];
        const parsed = CampaignDefinitionSchema.safeParse({
          name: options.name,
          segmentId: options.segment,
          flow: options.flow,
          channels: options.channels.split(',').map((c) => c.trim()),
          variants,
          startsAt: options.startsAt ?? systemClock.now().toISOString(),
          ...(options.window === undefined ? {} : { window: { from, to } }),
          ...(options.throttle === undefined ? {} : { throttle: options.throttle }),
        });
        if (!parsed.success)
          throw new AppError('bad_request', `invalid campaign:\n${issuesOf(parsed.error)}`);
        await withCampaignDeps(async (deps) => {
          print(await createCampaign(deps, parsed.data));
        });
      },
    );
  campaigns
    .command('list')
    .description('list campaigns')
    .action(async () => {
      await withStore(async (deps) => {
        print(await deps.campaigns.listCampaigns());
      });
    });
  campaigns
    .command('show')
    .description('a campaign with its progress and outcomes per variant')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withStore(async (deps) => {
        const { campaign, progress } = await campaignWithProgress(deps, id);
        if (options.json === true) {
          print({ ...campaign, progress });
          return;
        }
        process.stdout.write(
          [
            `${campaign.name} (${campaign.id}): ${campaign.status}, starts ${campaign.startsAt.toISOString()}`,
            describeOutcomes('total', progress),
            ...progress.variants.map((v) => describeOutcomes(`variant ${v.variant}`, v)),
          ].join('\n') + '\n',
        );
      });
    });
  campaigns
    .command('dry-run')
    .description('what the campaign would do now: contacted now, later (when, why), never (why)')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withCampaignDeps(async (deps) => {
        const dry = await dryRunCampaign(deps, id);
        if (options.json === true) print(dry);
        else process.stdout.write(`${describeDryRun(dry)}\n`);
      });
    });
  for (const action of ['start', 'pause', 'resume', 'stop'] as const) {
    campaigns
      .command(action)
      .description(`${action} a campaign`)
      .argument('<id>')
      .action(async (id: string) => {
        await withStore(async (deps) => {
          const campaign = await changeCampaignStatus(deps, id, action);
          process.stdout.write(`${campaign.name}: ${campaign.status}\n`);
        });
      });
  }
  campaigns
    .command('run')
    .description('one pass of the campaign scheduler now (the worker runs it every minute)')
    .action(async () => {
      await withCampaignDeps(async (deps) => {
        print(await runCampaigns(deps));
      });
    });
}
