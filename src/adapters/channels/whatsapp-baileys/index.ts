/**
 * WhatsApp through Baileys (unofficial WhatsApp Web client), assembled for the composition
 * root: the live connection, its parser, its paced sender and the admin pairing routes.
 */
import type { RequestHandler, Router } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { ChannelSender, Inbox, InboundParser } from '../../../ports/channel.js';
import type { BaileysConfig } from './config.js';
import { startBaileys, type BaileysConnection, type SocketFactory } from './connection.js';
import { baileysParser } from './parse.js';
import { createBaileysQrRouter } from './qr-route.js';
import { createBaileysSender, type BaileysSenderOptions } from './sender.js';

export { loadBaileysConfig, type BaileysConfig } from './config.js';
export { baileysParser } from './parse.js';

export interface BaileysChannel {
  readonly connection: BaileysConnection;
  readonly parser: InboundParser;
  readonly sender: ChannelSender;
  /** Mount on the HTTP app: GET /admin/whatsapp-baileys/qr, POST /admin/whatsapp-baileys/pair. */
  readonly router: Router;
  stop(): Promise<void>;
}

export interface StartBaileysChannelOptions {
  readonly config: BaileysConfig;
  readonly pool: pg.Pool;
  readonly inbox: Inbox;
  readonly logger: Logger;
  readonly requireApiKey: RequestHandler;
  readonly renderTemplate?: BaileysSenderOptions['renderTemplate'];
  readonly socketFactory?: SocketFactory | undefined;
}

/** Starts the session and returns every piece the app wires in. */
export async function startBaileysChannel(
  options: StartBaileysChannelOptions,
): Promise<BaileysChannel> {
  const { config, logger } = options;
  const connection = await startBaileys({
    config,
    pool: options.pool,
    inbox: options.inbox,
    logger,
    socketFactory: options.socketFactory,
  });
  return {
    connection,
    parser: baileysParser,
    sender: createBaileysSender({
      connection,
      minIntervalMs: config.minIntervalMs,
      maxPerMinute: config.maxPerMinute,
      logger,
      renderTemplate: options.renderTemplate,
    }),
    router: createBaileysQrRouter({ connection, requireApiKey: options.requireApiKey }),
    stop: () => connection.stop(),
  };
}
