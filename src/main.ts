import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { createHttpApp } from './adapters/http/app.js';
import { createLogger } from './adapters/logger.js';
import { openDatabase, type Database } from './adapters/postgres/database.js';
import { migrate } from './adapters/postgres/migrate.js';
import { systemClock } from './adapters/system-clock.js';
import { loadDemoPortfolioIfEmpty } from './app/seed-demo.js';
import type { Config } from './config.js';

/**
 * The composition root: the only module that knows every adapter. Each CLI command asks it
 * for what it needs.
 */
export async function openStore(config: Config, logger: Logger): Promise<Database> {
  const db = await openDatabase(config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: config.database.dataDir }, logger);
  try {
    await migrate(db.pool, logger);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/**
 * The API key: the configured one, or outside production one generated on first start and
 * kept under the data directory so it survives restarts.
 */
export async function resolveApiKey(config: Config): Promise<{ key: string; isGenerated: boolean }> {
  if (config.apiKey !== undefined) return { key: config.apiKey, isGenerated: false };
  const file = path.resolve(config.dataDir, 'api-key');
  try {
    return { key: (await readFile(file, 'utf8')).trim(), isGenerated: true };
  } catch {
    const key = randomBytes(24).toString('base64url');
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    return { key, isGenerated: true };
  }
}

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  stop(): Promise<void>;
}

/** Migrates, loads the demo portfolio into an empty store, and serves HTTP until stopped. */
export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const db = await openStore(config, logger);
  let isShuttingDown = false;
  try {
    if (config.loadDemo) {
      const seeded = await loadDemoPortfolioIfEmpty({ db, logger, defaults: config.defaults, clock: systemClock });
      if (seeded > 0) logger.info({ accounts: seeded }, 'demo.loaded');
    }
    const { key, isGenerated } = await resolveApiKey(config);
    const app = createHttpApp({
      db,
      logger: logger.child({ component: 'http' }),
      clock: systemClock,
      apiKey: key,
      maxUploadBytes: config.http.maxUploadBytes,
      defaults: config.defaults,
      isShuttingDown: () => isShuttingDown,
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.http.port, config.http.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
    const url = config.http.publicUrl ?? `http://localhost:${port}`;
    logger.info({ url, store: db.kind, apiKeyGenerated: isGenerated }, 'http.listening');
    return {
      url,
      server,
      stop: async () => {
        isShuttingDown = true;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 10_000).unref();
        });
        await db.close();
        logger.info('http.stopped');
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
