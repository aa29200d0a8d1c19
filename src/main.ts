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
import type { Clock } from './ports/clock.js';

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

/** Everything a conversation turn needs, wired to the store. */
export async function buildConversationDeps(
  config: Config,
  db: Database,
  clock: Clock,
): Promise<ConversationDeps> {
  const bundle = await loadContent(config);
  return {
    store: new PostgresConversationStore(db.pool),
    understander: new RulesUnderstander(),
    bundle,
    clock,
    creditor: config.creditor,
    defaultFlowId: config.defaultFlowId,
  };
}

/** The channel worker's loop and the channels it serves, for `serve` (inline) and `cuota worker`. */
export interface RunningChannels {
  readonly channels: ChannelRuntime;
  readonly worker: RunningWorker | undefined;
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
        }),
        outbox,
        logger: logger.child({ component: 'channel-worker' }),
        idleMs: db.kind === 'pglite' ? 250 : 100,
        sendTimeoutMs: config.outbox.staleAfterMs,
        resendUnconfirmedAfterMs: config.outbox.resendUnconfirmedAfterMs,
      })
    : undefined;
  return {
    channels,
    worker,
    async stop() {
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
    const conversations = await buildConversationDeps(config, db, systemClock);
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
