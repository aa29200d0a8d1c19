#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerConverse } from './adapters/cli/converse.js';
import { registerEvalNlu } from './adapters/cli/eval-nlu.js';
import { registerFlows } from './adapters/cli/flows.js';
import { registerPolicy } from './adapters/cli/policy.js';
import { registerImport } from './adapters/cli/import.js';
import { registerImportPayments } from './adapters/cli/import-payments.js';
import { registerDemoData } from './adapters/cli/demo-data.js';
import { registerCampaigns } from './adapters/cli/campaigns.js';
import { createLogger } from './adapters/logger.js';
import { loadConfig } from './config.js';
import { AppError } from './domain/errors.js';
import { systemClock } from './adapters/system-clock.js';
import {
  buildConversationDeps,
  openStore,
  resolveSecret,
  startChannelRuntime,
  startServer,
} from './main.js';

const program = new Command()
  .name('cuota')
  .description('Chat-first debt collections: conversations, negotiation inside policy, compliance.')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

program
  .command('serve')
  .description('migrate, load the demo portfolio into an empty store, and serve HTTP')
  .action(async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.logLevel);
    const running = await startServer(config, logger);
    process.stdout.write(
      `\ncuota is running on ${running.url}  (store: ${config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`})\n`,
    );
    process.stdout.write(
      `  web chat:  ${running.url}/chat\n  API:       ${running.url}/api/v1/openapi.json\n`,
    );
    process.stdout.write(
      `  channels:  ${running.channels.length === 0 ? 'web chat only (set WHATSAPP_CLOUD_*, TELEGRAM_*, TWILIO_* or BAILEYS_ENABLED to add more)' : ['web', ...running.channels].join(', ')}\n`,
    );
    if (running.apiKey !== undefined)
      process.stdout.write(
        `  API key:   ${running.apiKey}  (generated for development; kept in ${config.dataDir}/api-key)\n`,
      );
    process.stdout.write('\n');
    let isStopping = false;
    const shutdown = (signal: string): void => {
      if (isStopping) return;
      isStopping = true;
      logger.info({ signal }, 'process.stopping');
      running.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'process.stop_failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });

program
  .command('worker')
  .description(
    'process stored channel events and send the outbox (for running apart from serve, with CUOTA_WORKER=off there)',
  )
  .action(async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.logLevel);
    if (config.database.kind === 'pglite') {
      throw new AppError(
        'config_invalid',
        'cuota worker needs DATABASE_URL: the embedded database belongs to one process, where serve runs the worker inline',
      );
    }
    const db = await openStore(config, logger);
    const conversations = await buildConversationDeps(config, db, systemClock);
    const apiKey = await resolveSecret(config.apiKey, config.dataDir, 'api-key');
    const running = await startChannelRuntime(config, db, conversations, logger, {
      apiKey: apiKey.value,
      runWorker: true,
    });
    logger.info({ channels: running.channels.enabled }, 'worker.started');
    process.stdout.write(
      `cuota worker is running (channels: ${running.channels.enabled.join(', ') || 'none'})\n`,
    );
    let isStopping = false;
    const shutdown = (signal: string): void => {
      if (isStopping) return;
      isStopping = true;
      logger.info({ signal }, 'process.stopping');
      running
        .stop()
        .then(() => db.close())
        .then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'process.stop_failed');
            process.exit(1);
          },
        );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.logLevel);
    const db = await openStore(config, logger);
    await db.close();
    process.stdout.write('migrations: up to date\n');
  });

registerImport(program);
registerImportPayments(program);
registerDemoData(program);
registerFlows(program);
registerPolicy(program);
registerConverse(program);
registerEvalNlu(program);
registerCampaigns(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof AppError) {
    process.stderr.write(`cuota: ${err.message}\n`);
    process.exitCode = err.code === 'config_invalid' ? 78 : 1;
  } else {
    process.stderr.write(
      `cuota: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  }
}
