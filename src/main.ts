import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { startChannels, type ChannelRuntime } from './adapters/channels/runtime.js';
import { loadFlowBundle } from './adapters/flows/load-flows.js';
import { startChannelWorker, type RunningWorker } from './adapters/jobs/channel-worker.js';
import { PostgresInbox } from './adapters/postgres/inbox.js';
import { PostgresOutbox } from './adapters/postgres/outbox.js';
import { PostgresSenderDirectory } from './adapters/postgres/sender-directory.js';
import { OutboxDispatcher } from './app/dispatch-outbox.js';
import { loadWhatsAppTemplates } from './adapters/channels/whatsapp-cloud/templates.js';
import { loadStrategy } from './adapters/flows/load-strategy.js';
import { startScheduler, type RunningScheduler } from './adapters/jobs/scheduler.js';
import { DateHolidaysCalendar } from './adapters/policies/date-holidays-calendar.js';
import { loadContactPolicies } from './adapters/policies/load-contact-policies.js';
import { PostgresOutreachStore } from './adapters/postgres/outreach-store.js';
import { policyGate, type ContactDecider } from './app/contact-gate.js';
import { fallBackOnFailure } from './app/outreach.js';
import { runLifecycle, type LifecycleDeps } from './app/lifecycle.js';
import { runCampaigns, type CampaignDeps } from './app/campaigns.js';
import { PostgresCampaignStore } from './adapters/postgres/campaign-store.js';
import { decideContact } from './domain/contact-policy/index.js';
import type { Channel } from './domain/model.js';
import { templatesOf } from './domain/outreach/strategy.js';
import { AppError } from './domain/errors.js';
import type { Provider } from './domain/messaging/message.js';
import { createHttpApp } from './adapters/http/app.js';
import { tokenSigner } from './adapters/http/tokens.js';
import { createLogger } from './adapters/logger.js';
import { PostgresConversationStore } from './adapters/postgres/conversation-store.js';
import { openDatabase, type Database } from './adapters/postgres/database.js';
import { migrate } from './adapters/postgres/migrate.js';
import { createPortfolioStore } from './adapters/postgres/portfolio-store.js';
import { systemClock } from './adapters/system-clock.js';
import type { ConversationDeps } from './app/conversations.js';
import { loadDemoPortfolioIfEmpty } from './app/seed-demo.js';
import type { Config } from './config.js';
import { RulesUnderstander } from './domain/understanding/rules-understander.js';
import { CapsAndBreakerGuard } from './adapters/llm/guard.js';
import { OpenAiLanguageModel } from './adapters/llm/openai-model.js';
import { loadPrompts } from './adapters/llm/prompts.js';
import { PostgresLlmUsageLog } from './adapters/llm/usage-log.js';
import { LlmAssistedUnderstander } from './app/llm-understander.js';
import type { ReplyAssistant } from './app/assist-replies.js';
import { GroundedAnswerer } from './app/grounded-answer.js';
import { ReplyRephraser } from './app/rephrase-replies.js';
import { loadFaq } from './adapters/flows/load-faq.js';
import type { Clock } from './ports/clock.js';
import type { Understander } from './ports/understander.js';

/** The installed package's root: flows/, locales/ and prompts/ ship beside src/ and dist/. */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The composition root: the only module that knows every adapter. Each CLI command asks it
 * for what it needs.
 */
export async function openStore(config: Config, logger: Logger): Promise<Database> {
  const db = await openDatabase(
    config.database.kind === 'postgres'
      ? config.database
      : { kind: 'pglite', dataDir: config.database.dataDir },
    logger,
  );
  try {
    await migrate(db.pool, logger);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/**
 * A secret: the configured one, or (outside production, where config requires them) one
 * generated on first start and kept under the data directory so it survives restarts.
 */
export async function resolveSecret(
  configured: string | undefined,
  dataDir: string,
  fileName: string,
): Promise<{ value: string; isGenerated: boolean }> {
  if (configured !== undefined) return { value: configured, isGenerated: false };
  const file = path.resolve(dataDir, fileName);
  try {
    return { value: (await readFile(file, 'utf8')).trim(), isGenerated: true };
  } catch {
    const value = randomBytes(32).toString('base64url');
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    return { value, isGenerated: true };
  }
}

/** Loads and validates flows, policy and catalogs; start-up fails on any problem. */
export async function loadContent(
  config: Config,
): Promise<Awaited<ReturnType<typeof loadFlowBundle>>> {
  return loadFlowBundle(config.contentDir ?? packageRoot);
}

/**
 * Rules only without an LLM configured; otherwise rules with the LLM fallback on the
 * OpenAI-compatible endpoint, its prompts loaded and validated now, its caps seeded from today's
 * usage.
 */
export async function buildUnderstander(
  config: Config,
  db: Database,
  clock: Clock,
  logger?: Logger,
): Promise<Understander> {
  return (await buildLlmServices(config, db, clock, logger)).understander;
}

/**
 * The understander and, with an LLM, the reply helpers sharing its model, breaker and caps:
 * grounded answers from the facts and flows/faq.yaml (loaded and validated now), and rewording
 * when CUOTA_LLM_REPHRASE is on.
 */
export async function buildLlmServices(
  config: Config,
  db: Database,
  clock: Clock,
  logger?: Logger,
): Promise<{ understander: Understander; replies: ReplyAssistant | undefined }> {
  const llm = config.llm;
  if (llm === undefined) return { understander: new RulesUnderstander(), replies: undefined };
  const root = config.contentDir ?? packageRoot;
  const prompts = await loadPrompts(root);
  const usage = new PostgresLlmUsageLog(db.pool, (err) =>
    logger?.error({ err, event: 'llm_usage.write_failed' }),
  );
  const guard = new CapsAndBreakerGuard(
    {
      perConversation: llm.maxCallsPerConversation,
      perDay: llm.maxCallsPerDay,
      breakerFailures: llm.breakerFailures,
      breakerCooldownMs: llm.breakerCooldownMs,
    },
    usage,
    await usage.seed(clock.now()),
  );
  const model = new OpenAiLanguageModel(
    { apiKey: llm.apiKey, baseUrl: llm.baseUrl, model: llm.model },
    prompts,
  );
  const budget = { timeoutMs: llm.timeoutMs, price: llm.price };
  return {
    understander: new LlmAssistedUnderstander(model, guard, budget),
    replies: {
      answerer: new GroundedAnswerer(model, guard, await loadFaq(root), budget),
      rephraser: llm.rephrase ? new ReplyRephraser(model, guard, budget) : undefined,
    },
  };
}

/** Everything a conversation turn needs, wired to the store. */
export async function buildConversationDeps(
  config: Config,
  db: Database,
  clock: Clock,
  logger?: Logger,
): Promise<ConversationDeps> {
  const bundle = await loadContent(config);
  const llm = await buildLlmServices(config, db, clock, logger);
  return {
    store: new PostgresConversationStore(db.pool),
    understander: llm.understander,
    replies: llm.replies,
    bundle,
    clock,
    creditor: config.creditor,
    defaultFlowId: config.defaultFlowId,
  };
}

/** The provider that carries each channel cuota can write first on: Cloud API before Baileys. */
export function outreachProviders(
  enabled: readonly Provider[],
): Partial<Record<Channel, Provider>> {
  const providers: Partial<Record<Channel, Provider>> = {};
  if (enabled.includes('whatsapp-cloud')) providers.whatsapp = 'whatsapp-cloud';
  else if (enabled.includes('whatsapp-baileys')) providers.whatsapp = 'whatsapp-baileys';
  if (enabled.includes('twilio-sms')) providers.sms = 'twilio-sms';
  if (enabled.includes('telegram')) providers.telegram = 'telegram';
  return providers;
}

/**
 * Everything creditor-initiated messages need: the contact policy bound to its files and the
 * holiday calendar, the templates, the outreach strategy, and where each channel goes. Start-up
 * fails when the strategy names a template or flow that does not exist.
 */
export async function buildOutreachDeps(
  config: Pick<Config, 'contentDir'>,
  db: Pick<Database, 'pool'>,
  conversations: Pick<ConversationDeps, 'bundle' | 'clock'>,
  enabled: readonly Provider[],
): Promise<LifecycleDeps> {
  const root = config.contentDir ?? packageRoot;
  const [policies, templates, strategy] = await Promise.all([
    loadContactPolicies(root),
    loadWhatsAppTemplates(root),
    loadStrategy(root),
  ]);
  const missing = templatesOf(strategy).filter((name) => templates.get(name) === undefined);
  if (missing.length > 0)
    throw new AppError(
      'flow_invalid',
      `flows/lifecycle.yaml names templates missing from flows/whatsapp-templates.yaml: ${missing.join(', ')}`,
    );
  if (conversations.bundle.flows[strategy.flow] === undefined)
    throw new AppError(
      'flow_invalid',
      `flows/lifecycle.yaml: flow "${strategy.flow}" is not loaded`,
    );
  const holidays = new DateHolidaysCalendar();
  const decide: ContactDecider = (request, facts) =>
    decideContact(policies, request, facts, holidays);
  return {
    store: new PostgresOutreachStore(db.pool),
    decide,
    templates,
    providers: outreachProviders(enabled),
    flows: conversations.bundle.flows,
    clock: conversations.clock,
    strategy,
    graceDays: conversations.bundle.policy.promiseGraceDays,
  };
}

/** The channel worker's loop and the channels it serves, for `serve` (inline) and `cuota worker`. */
export interface RunningChannels {
  readonly channels: ChannelRuntime;
  readonly worker: RunningWorker | undefined;
  readonly scheduler: RunningScheduler | undefined;
  /** Creditor-initiated messages and campaigns, for the API and the scheduler. */
  readonly campaigns: CampaignDeps;
  stop(): Promise<void>;
}

/**
 * Starts the enabled channels and, when `runWorker`, the loop that turns stored events into
 * turns and sends the outbox. Without channels the worker still runs: nothing else sends.
 */
export async function startChannelRuntime(
  config: Config,
  db: Database,
  conversations: ConversationDeps,
  logger: Logger,
  options: { readonly apiKey: string; readonly runWorker: boolean },
): Promise<RunningChannels> {
  const inbox = new PostgresInbox(db.pool);
  const outbox = new PostgresOutbox(db.pool);
  const channels = await startChannels({
    config,
    pool: db.pool,
    inbox,
    clock: conversations.clock,
    logger,
    apiKey: options.apiKey,
    contentDir: config.contentDir ?? packageRoot,
    isReceiving: options.runWorker,
  });
  const outreach = await buildOutreachDeps(config, db, conversations, channels.enabled);
  const campaigns: CampaignDeps = {
    ...outreach,
    campaigns: new PostgresCampaignStore(db.pool),
  };
  const worker = options.runWorker
    ? startChannelWorker({
        inbox: {
          events: inbox,
          parsers: channels.parsers,
          directory: new PostgresSenderDirectory(db.pool),
          outbox,
          conversations,
          defaultLocale: config.defaults.locale,
          linkSender: channels.linkSender,
          // Leave two pooled connections for the outbox loop and the webhooks.
          concurrency:
            config.database.kind === 'pglite'
              ? 1
              : Math.min(16, Math.max(2, config.database.poolSize - 2)),
        },
        dispatcher: new OutboxDispatcher({
          outbox,
          senders: channels.senders,
          limits: channels.limits,
          clock: conversations.clock,
          random: Math.random,
          gate: policyGate({ store: outreach.store, decide: outreach.decide }),
          onFailed: async (rowId) => {
            await fallBackOnFailure(outreach, rowId);
          },
        }),
        outbox,
        logger: logger.child({ component: 'channel-worker' }),
        idleMs: db.kind === 'pglite' ? 250 : 100,
        sendTimeoutMs: config.outbox.staleAfterMs,
        resendUnconfirmedAfterMs: config.outbox.resendUnconfirmedAfterMs,
      })
    : undefined;
  const schedulerLogger = logger.child({ component: 'scheduler' });
  const canReachOut = Object.keys(outreach.providers).length > 0;
  if (options.runWorker && !canReachOut) schedulerLogger.info('scheduler.no_outreach_channels');
  const scheduler = !options.runWorker
    ? undefined
    : await startScheduler({
        pool: db.pool,
        kind: db.kind,
        logger: schedulerLogger,
        jobs: canReachOut
          ? [
              {
                name: 'lifecycle.sweep',
                everyMs: config.scheduler.sweepEveryMs,
                run: () => runLifecycle(outreach),
              },
              {
                name: 'campaigns.run',
                everyMs: config.scheduler.sweepEveryMs,
                run: () => runCampaigns(campaigns),
              },
            ]
          : [],
      });
  return {
    channels,
    worker,
    scheduler,
    campaigns,
    async stop() {
      await scheduler?.stop();
      await worker?.stop();
      await channels.stop();
    },
  };
}

export interface RunningServer {
  readonly url: string;
  /** The generated development API key, to print; undefined when the operator configured one. */
  readonly apiKey: string | undefined;
  /** The providers the configuration enabled. */
  readonly channels: readonly Provider[];
  readonly server: Server;
  stop(): Promise<void>;
}

/** Migrates, loads the demo portfolio into an empty store, and serves HTTP until stopped. */
export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  const db = await openStore(config, logger);
  let isShuttingDown = false;
  let stopChannels = async (): Promise<void> => {};
  try {
    const conversations = await buildConversationDeps(config, db, systemClock, logger);
    if (config.loadDemo) {
      const seeded = await loadDemoPortfolioIfEmpty({
        store: createPortfolioStore(db),
        logger,
        defaults: config.defaults,
        clock: systemClock,
      });
      if (seeded > 0) logger.info({ accounts: seeded }, 'demo.loaded');
    }
    const apiKey = await resolveSecret(config.apiKey, config.dataDir, 'api-key');
    const sessionSecret = await resolveSecret(
      config.sessionSecret,
      config.dataDir,
      'session-secret',
    );
    const running = await startChannelRuntime(config, db, conversations, logger, {
      apiKey: apiKey.value,
      runWorker: config.worker === 'inline',
    });
    stopChannels = () => running.stop();
    const app = createHttpApp({
      channelRouters: running.channels.routers,
      db,
      logger: logger.child({ component: 'http' }),
      clock: systemClock,
      apiKey: apiKey.value,
      maxUploadBytes: config.http.maxUploadBytes,
      defaults: config.defaults,
      promiseGraceDays: conversations.bundle.policy.promiseGraceDays,
      campaigns: running.campaigns,
      isShuttingDown: () => isShuttingDown,
      chat: {
        conversations,
        clock: systemClock,
        apiKey: apiKey.value,
        sessions: tokenSigner(sessionSecret.value, 'chat-session'),
        links: tokenSigner(sessionSecret.value, 'debtor-link'),
        isDemo: config.loadDemo && config.env !== 'production',
        demoAccountRef: 'DEMO-0001',
      },
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.http.port, config.http.host, (err?: Error) =>
        err ? reject(err) : resolve(s),
      );
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
    const url = config.http.publicUrl ?? `http://localhost:${port}`;
    logger.info(
      {
        url,
        store: db.kind,
        apiKeyGenerated: apiKey.isGenerated,
        channels: running.channels.enabled,
        worker: config.worker,
      },
      'http.listening',
    );
    return {
      url,
      channels: running.channels.enabled,
      apiKey: apiKey.isGenerated ? apiKey.value : undefined,
      server,
      stop: async () => {
        isShuttingDown = true;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 10_000).unref();
        });
        await stopChannels();
        await db.close();
        logger.info('http.stopped');
      },
    };
  } catch (err) {
    await stopChannels();
    await db.close();
    throw err;
  }
}
