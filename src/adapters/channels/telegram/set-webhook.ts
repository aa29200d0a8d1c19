/**
 * Registers the webhook with Telegram (setWebhook), with the secret token the webhook route
 * demands: without it every update would be refused with 401. Run once per deployment URL, for
 * example from the composition root at start-up in webhook mode.
 */
import { createTelegramClient, withSignal } from './sender.js';

export interface SetTelegramWebhookOptions {
  readonly config: {
    readonly botToken: string;
    readonly apiRoot: string;
    readonly webhookSecret: string;
  };
  /** The public HTTPS URL of `/webhooks/telegram`. */
  readonly url: string;
  /** Update kinds to receive (default message and callback_query: all the parser reads). */
  readonly allowedUpdates?: readonly string[];
  /** Simultaneous webhook connections Telegram may open (1-100, default 40). */
  readonly maxConnections?: number;
}

/** Calls setWebhook; rejects with telegraf's TelegramError when Telegram refuses. */
export async function setTelegramWebhook(options: SetTelegramWebhookOptions): Promise<void> {
  const telegram = createTelegramClient(options.config);
  await telegram.callApi(
    'setWebhook',
    {
      url: options.url,
      secret_token: options.config.webhookSecret,
      allowed_updates: (options.allowedUpdates ?? ['message', 'callback_query']) as never,
      max_connections: options.maxConnections ?? 40,
      // Updates that arrived while no webhook was set are kept and delivered.
      drop_pending_updates: false,
    },
    withSignal(AbortSignal.timeout(10_000)),
  );
}
