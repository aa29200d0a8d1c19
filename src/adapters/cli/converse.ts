import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { handleDebtorMessage, openConversation } from '../../app/conversations.js';
import { loadConfig } from '../../config.js';
import { AppError } from '../../domain/errors.js';
import { channels, type Channel } from '../../domain/model.js';
import { isLocaleTag } from '../../domain/regions.js';
import { buildConversationDeps, openStore } from '../../main.js';
import { fixedClock } from '../../ports/clock.js';
import { createLogger } from '../logger.js';
import { systemClock } from '../system-clock.js';

interface ConverseOptions {
  readonly account: string;
  readonly now?: string;
  readonly locale?: string;
  readonly channel: string;
}

/**
 * `cuota converse`: a scriptable conversation. One debtor message per stdin line in, one JSON
 * object per line out: { in, replies, intent, confidence, entities, step, actions }. The turns
 * go through the same path as every channel (store, understanding, engine, transcript).
 */
export function registerConverse(program: Command): void {
  program
    .command('converse')
    .description(
      'script a conversation: one debtor message per stdin line, one JSON line out per message',
    )
    .requiredOption('--account <ref>', 'the account the conversation is about')
    .option(
      '--now <instant>',
      'fix the clock for the whole run (ISO 8601 instant, e.g. 2026-11-24T15:00:00Z)',
    )
    .option('--locale <tag>', 'hold the conversation in this locale (es-419, en, pt-BR, es-AR...)')
    .option('--channel <channel>', `the channel (${channels.join(', ')})`, 'web')
    .action(async (options: ConverseOptions) => {
      const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
      const now = options.now === undefined ? undefined : new Date(options.now);
      if (
        now !== undefined &&
        (Number.isNaN(now.getTime()) || !/T.*(Z|[+-]\d{2}:?\d{2})$/.test(options.now ?? ''))
      ) {
        throw new AppError(
          'bad_request',
          `--now must be an ISO 8601 instant with a zone, got ${JSON.stringify(options.now)}`,
        );
      }
      if (options.locale !== undefined && !isLocaleTag(options.locale))
        throw new AppError('bad_request', `--locale: not a locale tag: ${options.locale}`);
      if (!(channels as readonly string[]).includes(options.channel))
        throw new AppError('bad_request', `--channel must be one of ${channels.join(', ')}`);
      const logger = createLogger(config.logLevel, process.stderr);
      const db = await openStore(config, logger);
      try {
        const deps = await buildConversationDeps(
          config,
          db,
          now === undefined ? systemClock : fixedClock(now),
        );
        const conversationId = await openConversation(deps, {
          accountRef: options.account,
          channel: options.channel as Channel,
          locale: options.locale,
        });
        const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
        for await (const line of lines) {
          const text = line.trim();
          if (text === '') continue;
          const turn = await handleDebtorMessage(deps, { conversationId, text });
          process.stdout.write(
            `${JSON.stringify({
              in: text,
              replies: turn.replies.map((r) =>
                r.options === undefined ? { text: r.text } : { text: r.text, options: r.options },
              ),
              intent: turn.understanding?.intent ?? null,
              confidence: turn.understanding?.confidence ?? null,
              entities: turn.understanding?.entities ?? {},
              step: turn.step,
              actions: turn.actions,
            })}\n`,
          );
        }
      } finally {
        await db.close();
      }
    });
}
