import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../../ports/clock.js';
import type { Database } from '../postgres/database.js';
import { isReachable } from '../postgres/database.js';
import { requireApiKey } from './auth.js';
import { chatPageRouter } from './chat-page.js';
import { chatRouter, type ChatDeps } from './routes/chat.js';
import { errorBody, errorHandler } from './errors.js';
import { accountsRouter } from './routes/accounts.js';
import { debtorsRouter } from './routes/debtors.js';
import { importsRouter } from './routes/imports.js';
import { openApiRouter } from './routes/openapi.js';
import { paymentsRouter } from './routes/payments.js';
import { campaignsRouter } from './routes/campaigns.js';
import type { CampaignDeps } from '../../app/campaigns.js';

/** What the HTTP adapter needs from the composition root. */
export interface HttpDeps {
  readonly db: Database;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly apiKey: string;
  readonly maxUploadBytes: number;
  readonly defaults: {
    readonly country: string;
    readonly timeZone: string;
    readonly locale: string;
  };
  /** Days after a promise's date in which a payment still keeps it (policy `promiseGraceDays`; 1 when absent). */
  readonly promiseGraceDays?: number;
  /** Set by main while shutting down, so /readyz turns 503 and load balancers drain. */
  readonly isShuttingDown: () => boolean;
  /** Channel webhooks (they read their own raw bodies, so they come before any JSON parser). */
  readonly channelRouters?: readonly { readonly path: string; readonly router: Router }[];
  /** Web chat (API and page); absent in tests that do not exercise conversations. */
  readonly chat?: ChatDeps & { readonly demoAccountRef: string };
  /** Segments and campaigns (they send through the outreach layer); absent, their routes are not served. */
  readonly campaigns?: CampaignDeps;
}

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const isStoreReachable = !deps.isShuttingDown() && (await isReachable(deps.db.pool));
    res
      .status(isStoreReachable ? 200 : 503)
      .json({ status: isStoreReachable ? 'ready' : 'unavailable', store: deps.db.kind });
  });

  for (const { path, router } of deps.channelRouters ?? []) app.use(path, router);
  if (deps.chat !== undefined) {
    app.use(chatPageRouter({ isDemo: deps.chat.isDemo, demoAccountRef: deps.chat.demoAccountRef }));
    app.use('/api/v1/chat', chatRouter(deps.chat));
  }
  app.use('/api/v1', openApiRouter());
  const api = express.Router();
  api.use(requireApiKey(deps.apiKey));
  api.use(express.json({ limit: '1mb' }));
  api.use(accountsRouter(deps));
  api.use(debtorsRouter(deps));
  api.use(importsRouter(deps));
  api.use(paymentsRouter(deps));
  if (deps.campaigns !== undefined) api.use(campaignsRouter(deps.campaigns));
  app.use('/api/v1', api);

  app.use((_req, res) => {
    res.status(404).json(errorBody('not_found', 'no such route'));
  });
  app.use(errorHandler(deps.logger));
  return app;
}
