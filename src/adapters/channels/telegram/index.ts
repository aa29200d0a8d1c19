/** The Telegram channel (provider `telegram`): what the composition root wires. */
export { loadTelegramConfig, TelegramEnvSchema, type TelegramConfig } from './config.js';
export {
  deepLinkUrl,
  linkCommandOf,
  resolveLinkCommand,
  signDeepLink,
  verifyDeepLink,
} from './deep-link.js';
export { linkTelegramChat } from './link-store.js';
export { callbackQueryIdOf, createTelegramParser, telegramParser } from './parse.js';
export { startTelegramPolling, type TelegramPolling } from './polling.js';
export { answerCallbackQuery, createTelegramClient, createTelegramSender } from './sender.js';
export { setTelegramWebhook } from './set-webhook.js';
export { telegramWebhook } from './webhook.js';
