import type { Router } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { RateLimits } from '../../domain/messaging/delivery.js';
import type { InboundMessage, Provider } from '../../domain/messaging/message.js';
import type { ChannelSender, Inbox, InboundParser } from '../../ports/channel.js';
import type { Clock } from '../../ports/clock.js';
import { requireApiKey } from '../http/auth.js';
import {
  createTelegramSender,
  linkTelegramChat,
  resolveLinkCommand,
  setTelegramWebhook,
  startTelegramPolling,
  telegramParser,
  telegramWebhook,
  type TelegramPolling,
} from './telegram/index.js';
import { createTwilioSmsSender } from './twilio-sms/sender.js';
import { twilioSmsParser } from './twilio-sms/parse.js';
import { twilioSmsWebhook } from './twilio-sms/webhook.js';
import { startBaileysChannel, type BaileysChannel } from './whatsapp-baileys/index.js';
import { whatsAppCloudParser } from './whatsapp-cloud/parse.js';
import { whatsAppCloudSender } from './whatsapp-cloud/sender.js';
import { loadWhatsAppTemplates } from './whatsapp-cloud/templates.js';
import { whatsAppCloudWebhook } from './whatsapp-cloud/webhook.js';

/** Every enabled channel's pieces, for the HTTP app, the worker and shutdown. */
export interface ChannelRuntime {
  /** Webhook and admin routers, mounted at the root before any JSON body parser. */
  readonly routers: readonly { readonly path: string; readonly router: Router }[];
  readonly parsers: ReadonlyMap<Provider, InboundParser>;
  readonly senders: ReadonlyMap<Provider, ChannelSender>;
  readonly limits: Readonly<Partial<Record<Provider, RateLimits>>>;
  /** Channel-specific proof of identity before matching (Telegram deep links). */
  readonly linkSender: ((message: InboundMessage, at: Date) => Promise<boolean>) | undefined;
  /** Which channels are on, for the start-up banner. */
  readonly enabled: readonly Provider[];
  stop(): Promise<void>;
}

export interface ChannelRuntimeDeps {
  readonly config: Config;
  readonly pool: pg.Pool;
  readonly inbox: Inbox;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly apiKey: string;
  readonly contentDir: string;
  /**
   * Start connections that receive (Telegram long polling, the Baileys socket). Off for the
   * HTTP-only side of a split deployment; a `cuota worker` process runs them.
   */
  readonly isReceiving: boolean;
}

/**
 * Builds every channel the configuration enables. Channels are off unless their keys are set;
 * half-set keys never reach here (config refuses to start).
 */
export async function startChannels(deps: ChannelRuntimeDeps): Promise<ChannelRuntime> {
  const { config, inbox, clock } = deps;
  const { whatsappCloud, telegram, twilioSms, baileys } = config.channels;
  const routers: { path: string; router: Router }[] = [];
  const parsers = new Map<Provider, InboundParser>();
  const senders = new Map<Provider, ChannelSender>();
  const limits: Partial<Record<Provider, RateLimits>> = { ...config.sendRates };
  const stops: (() => Promise<void>)[] = [];
  const log = (component: string): Logger => deps.logger.child({ component });

  if (whatsappCloud !== undefined) {
    const logger = log('whatsapp-cloud');
    const templates = await loadWhatsAppTemplates(deps.contentDir);
    routers.push({
      path: '/webhooks/whatsapp',
      router: whatsAppCloudWebhook({ config: whatsappCloud, inbox, clock, logger }),
    });
    parsers.set('whatsapp-cloud', whatsAppCloudParser);
    senders.set(
      'whatsapp-cloud',
      whatsAppCloudSender({ config: whatsappCloud, logger, clock, templates }),
    );
  }

  let linkSender: ChannelRuntime['linkSender'];
  if (telegram !== undefined) {
    const logger = log('telegram');
    parsers.set('telegram', telegramParser);
    senders.set('telegram', createTelegramSender({ config: telegram, logger }));
    if (telegram.mode === 'webhook') {
      routers.push({
        path: '/webhooks/telegram',
        router: telegramWebhook({ config: telegram, inbox, clock, logger }),
      });
      if (config.http.publicUrl !== undefined && deps.isReceiving) {
        const url = `${config.http.publicUrl.replace(/\/$/, '')}/webhooks/telegram`;
        await setTelegramWebhook({ config: telegram, url }).catch((err: unknown) =>
          logger.error({ err }, 'telegram.set_webhook_failed'),
        );
      }
    } else if (deps.isReceiving) {
      const polling: TelegramPolling = await startTelegramPolling({
        config: telegram,
        inbox,
        logger,
        clock,
      });
      stops.push(() => polling.stop());
    }
    const deepLinks = telegram.deepLinks;
    if (deepLinks !== undefined) {
      linkSender = async (message, at) => {
        if (message.sender.provider !== 'telegram') return false;
        const link = resolveLinkCommand(message.content, deepLinks.secret, at);
        if (!link.ok) return false;
        const result = await linkTelegramChat(deps.pool, {
          chatId: message.sender.externalId,
          debtorId: link.debtorRef,
          linkedAt: at,
        });
        logger.info({ status: result.status }, 'telegram.chat_linked');
        return result.status === 'linked';
      };
    }
  }

  if (twilioSms !== undefined) {
    const logger = log('twilio-sms');
    routers.push({
      path: '/',
      router: twilioSmsWebhook({ config: twilioSms, inbox, clock, logger }),
    });
    parsers.set('twilio-sms', twilioSmsParser);
    senders.set('twilio-sms', createTwilioSmsSender({ config: twilioSms, logger }));
  }

  if (baileys !== undefined && deps.isReceiving) {
    const channel: BaileysChannel = await startBaileysChannel({
      config: baileys,
      pool: deps.pool,
      inbox,
      logger: log('whatsapp-baileys'),
      requireApiKey: requireApiKey(deps.apiKey),
    });
    routers.push({ path: '/', router: channel.router });
    parsers.set('whatsapp-baileys', channel.parser);
    senders.set('whatsapp-baileys', channel.sender);
    limits['whatsapp-baileys'] = {
      perSecond: Math.max(1, baileys.maxPerMinute / 60),
      perRecipientIntervalMs: baileys.minIntervalMs,
    };
    stops.push(() => channel.stop());
  }

  return {
    routers,
    parsers,
    senders,
    limits,
    linkSender,
    enabled: [...senders.keys()],
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
