/**
 * The live WhatsApp Web session through Baileys: pairs (QR in the terminal and at the admin
 * endpoint, or a pairing code), stores every inbound debtor message in the inbox before anything
 * else happens, keeps the credentials in PostgreSQL on every change, and reconnects with backoff
 * behind a circuit breaker. Baileys is unofficial; see docs/channels/whatsapp-baileys.md.
 */
import {
  DisconnectReason,
  getContentType,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  makeCacheableSignalKeyStore,
  makeWASocket,
  normalizeMessageContent,
  type AnyMessageContent,
  type AuthenticationCreds,
  type AuthenticationState,
  type BaileysEventMap,
  type ConnectionState,
  type proto,
  type WAMessage,
  type WAMessageKey,
  type WAMessageUpdate,
} from '@whiskeysockets/baileys';
import type pg from 'pg';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import type { Inbox, RawInboundEvent } from '../../../ports/channel.js';
import { deletePostgresAuthState, toStoredJson, usePostgresAuthState } from './auth-state.js';
import type { BaileysConfig } from './config.js';
import { createSentMessageStore, type SentMessageStore } from './message-store.js';
import { ReconnectPolicy } from './reconnect-policy.js';

export const baileysProvider = 'whatsapp-baileys' as const;

/** Sent messages older than this are no longer offered for re-sends. */
const SENT_MESSAGE_TTL_MS = 14 * 24 * 60 * 60 * 1000;
const INBOX_ATTEMPTS = 3;

type EventName = keyof BaileysEventMap;
type Listener<E extends EventName> = (arg: BaileysEventMap[E]) => void;

/**
 * The part of Baileys' socket cuota uses; the real `makeWASocket` result satisfies it, and tests
 * pass an EventEmitter double emitting Baileys' event shapes.
 */
export interface BaileysSocket {
  readonly ev: {
    on<E extends EventName>(event: E, listener: Listener<E>): void;
    off<E extends EventName>(event: E, listener: Listener<E>): void;
  };
  readonly user?: { readonly id: string } | undefined;
  sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  end(error: Error | undefined): unknown;
}

export interface SocketFactoryOptions {
  readonly auth: AuthenticationState;
  readonly getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
  readonly logger: Logger;
}

export type SocketFactory = (options: SocketFactoryOptions) => BaileysSocket;

/** Where the session stands, for logs and the admin QR endpoint. */
export type BaileysState =
  | 'connecting'
  | 'awaiting_pairing'
  | 'open'
  | 'reconnecting'
  | 'circuit_open'
  | 'logged_out'
  | 'stopped';

export interface BaileysStatus {
  readonly state: BaileysState;
  /** One line an operator can act on. */
  readonly detail: string;
  readonly since: Date;
  /** The latest QR string while waiting to be paired by QR. */
  readonly qr?: string | undefined;
  /** The 8-character code to type on the phone while waiting to be paired by code. */
  readonly pairingCode?: string | undefined;
}

export interface BaileysConnection {
  status(): BaileysStatus;
  /** The socket while the session is open; undefined otherwise (senders answer `retry`). */
  socket(): BaileysSocket | undefined;
  readonly sentMessages: SentMessageStore;
  /** Starts over after a logout, a refusal or a stop: a fresh pairing when the state was wiped. */
  pairAgain(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartBaileysOptions {
  readonly config: BaileysConfig;
  readonly pool: pg.Pool;
  readonly inbox: Inbox;
  readonly logger: Logger;
  readonly socketFactory?: SocketFactory | undefined;
  /** Runs `fn` after `ms`; returns a cancel function. Tests pass a fake clock. */
  readonly schedule?: ((fn: () => void, ms: number) => () => void) | undefined;
  readonly now?: (() => number) | undefined;
  readonly random?: (() => number) | undefined;
  /** Writes the QR or pairing code for the operator; default: the terminal. */
  readonly print?: ((text: string) => void) | undefined;
}

/** The real socket: Baileys' `makeWASocket` with cuota's settings. */
export const defaultSocketFactory: SocketFactory = ({ auth, getMessage, logger }) =>
  makeWASocket({
    auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
    getMessage,
    logger,
    // Not showing as online keeps the debtor's phone notifying them of our messages.
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldIgnoreJid: (jid) => isJidGroup(jid) === true || isJidBroadcast(jid) === true,
  });

function defaultSchedule(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
}

/** The HTTP-like status code Baileys puts on the Boom that closed the connection. */
export function disconnectCode(update: Partial<ConnectionState>): number | undefined {
  const error = update.lastDisconnect?.error as
    { output?: { statusCode?: unknown }; isBoom?: boolean } | undefined;
  const code = error?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * True for a message a debtor wrote to us one-to-one: not ours, not a group, status or
 * broadcast, not a newsletter, and carrying content (not a protocol notice or an undecryptable
 * stub, which Baileys re-requests by itself).
 */
export function isDebtorMessage(message: WAMessage): boolean {
  const { key } = message;
  if (key.fromMe === true || !key.id || !key.remoteJid) return false;
  const jid = key.remoteJid;
  if (isJidGroup(jid) || isJidBroadcast(jid) || isJidNewsletter(jid)) return false;
  const type = getContentType(normalizeMessageContent(message.message ?? undefined));
  return type !== undefined && type !== 'protocolMessage';
}

/** The stored raw event for one message: the WAMessage as JSON, Buffers as base64. */
export function toRawEvent(message: WAMessage, receivedAt: Date): RawInboundEvent {
  return {
    provider: baileysProvider,
    eventId: `${message.key.id ?? ''}:${message.key.remoteJid ?? ''}`,
    payload: JSON.parse(toStoredJson(message)) as unknown,
    receivedAt,
  };
}

/**
 * The stored raw event for a delivery receipt of a message we sent (Baileys' `messages.update`
 * element with a `status`), or undefined for any other update. The receipt carries no time of
 * its own, so the time it was received is stored with it.
 */
export function toStatusEvent(
  update: WAMessageUpdate,
  receivedAt: Date,
): RawInboundEvent | undefined {
  const { key } = update;
  const status = update.update.status;
  if (key.fromMe !== true || !key.id || !key.remoteJid || typeof status !== 'number') {
    return undefined;
  }
  if (isJidGroup(key.remoteJid) || isJidBroadcast(key.remoteJid)) return undefined;
  return {
    provider: baileysProvider,
    eventId: `${key.id}:${key.remoteJid}:status:${status}`,
    payload: {
      key: { remoteJid: key.remoteJid, fromMe: true, id: key.id },
      update: { status },
      receivedAt: receivedAt.toISOString(),
    },
    receivedAt,
  };
}

/**
 * Opens the session and keeps it open. Resolves once the first socket is created; pairing,
 * reconnects and logouts then happen in the background and show in {@link BaileysConnection.status}.
 */
export async function startBaileys(options: StartBaileysOptions): Promise<BaileysConnection> {
  const { config, pool, inbox } = options;
  const logger = options.logger.child({ component: 'whatsapp-baileys' });
  // Baileys logs message keys and protocol detail at info and below.
  const libraryLogger = options.logger.child({ component: 'baileys-lib' }, { level: 'warn' });
  const socketFactory = options.socketFactory ?? defaultSocketFactory;
  const schedule = options.schedule ?? defaultSchedule;
  const now = options.now ?? Date.now;
  const print = options.print ?? ((text: string) => void process.stdout.write(`${text}\n`));
  const sentMessages = createSentMessageStore(pool, config.session);
  const policy = new ReconnectPolicy(config.reconnect, options.random);

  let status: BaileysStatus = { state: 'connecting', detail: 'connecting', since: new Date(now()) };
  let auth: Awaited<ReturnType<typeof usePostgresAuthState>> | undefined;
  let current: BaileysSocket | undefined;
  let detach: (() => void) | undefined;
  let cancelTimer: (() => void) | undefined;
  let isStopped = false;
  let credsSaved: Promise<void> = Promise.resolve();

  const setStatus = (next: Omit<BaileysStatus, 'since'>): void => {
    status = { ...next, since: new Date(now()) };
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      schedule(resolve, ms);
    });

  const storeEvents = async (events: readonly RawInboundEvent[]): Promise<void> => {
    if (events.length === 0) return;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await inbox.store(events);
        logger.debug({ ...result }, 'baileys.inbound_stored');
        return;
      } catch (err) {
        // The socket has already acknowledged these to WhatsApp; losing them would be silent.
        if (attempt >= INBOX_ATTEMPTS) {
          logger.error(
            {
              err, // Message ids only: the event ids carry the chat JID, often a phone number.
              messageIds: events.map((e) => e.eventId.split(':')[0]),
            },
            'baileys.inbox_store_failed',
          );
          return;
        }
        await sleep(1000 * attempt);
      }
    }
  };

  const scheduleConnect = (delayMs: number): void => {
    cancelTimer?.();
    cancelTimer = schedule(() => {
      cancelTimer = undefined;
      void connect();
    }, delayMs);
  };

  const onFailure = (reason: string, statusCode: number | undefined): void => {
    const decision = policy.onFailure(now());
    if (decision.type === 'circuit_open') {
      setStatus({
        state: 'circuit_open',
        detail: `circuit open after ${decision.failures} failed connections; next try in ${Math.round(decision.delayMs / 1000)} s`,
      });
      logger.error(
        { reason, statusCode, failures: decision.failures, cooldownMs: decision.delayMs },
        'baileys.circuit_open',
      );
    } else {
      setStatus({ state: 'reconnecting', detail: `reconnecting after ${reason}` });
      logger.warn(
        { reason, statusCode, attempt: decision.attempt, delayMs: decision.delayMs },
        'baileys.reconnect_scheduled',
      );
    }
    scheduleConnect(decision.delayMs);
  };

  const handleClose = async (update: Partial<ConnectionState>): Promise<void> => {
    const code = disconnectCode(update);
    const wasAwaitingPairing = status.state === 'awaiting_pairing';
    switch (code) {
      case DisconnectReason.loggedOut: {
        setStatus({ state: 'logged_out', detail: 'logged_out — pair again' });
        logger.error({ statusCode: code }, 'baileys.logged_out');
        auth = undefined;
        await credsSaved;
        try {
          await deletePostgresAuthState(pool, config.session);
        } catch (err) {
          logger.error({ err }, 'baileys.auth_delete_failed');
        }
        return;
      }
      case DisconnectReason.forbidden:
        setStatus({
          state: 'stopped',
          detail: 'forbidden — WhatsApp refused this account (it may be banned); not reconnecting',
        });
        logger.error({ statusCode: code }, 'baileys.forbidden');
        return;
      case DisconnectReason.connectionReplaced:
        setStatus({
          state: 'stopped',
          detail: 'replaced — another client opened this session; not reconnecting',
        });
        logger.error({ statusCode: code }, 'baileys.connection_replaced');
        return;
      case DisconnectReason.restartRequired:
        // WhatsApp asks for a fresh socket right after pairing: expected, not a failure.
        setStatus({ state: 'reconnecting', detail: 'restarting after pairing' });
        logger.info({ statusCode: code }, 'baileys.restart_required');
        scheduleConnect(0);
        return;
      case undefined:
      default:
        if (wasAwaitingPairing) {
          // The QR codes ran out with nobody scanning: offer fresh ones without counting a failure.
          setStatus({ state: 'connecting', detail: 'QR expired; fetching a new one' });
          logger.info({ statusCode: code }, 'baileys.qr_expired');
          scheduleConnect(config.reconnect.baseDelayMs);
          return;
        }
        onFailure(`disconnect ${code ?? 'unknown'}`, code);
    }
  };

  const handleUpdate = async (socket: BaileysSocket, update: Partial<ConnectionState>) => {
    if (socket !== current) return;
    if (update.qr !== undefined) {
      if (config.pairingNumber === undefined) {
        setStatus({ state: 'awaiting_pairing', detail: 'scan the QR code', qr: update.qr });
        logger.info('baileys.qr');
        if (config.printQr) {
          print(await QRCode.toString(update.qr, { type: 'terminal', small: true }));
        }
      } else if (status.pairingCode === undefined) {
        const code = await socket.requestPairingCode(config.pairingNumber);
        setStatus({
          state: 'awaiting_pairing',
          detail: 'enter the pairing code on the phone',
          pairingCode: code,
        });
        logger.info('baileys.pairing_code');
        print(`WhatsApp pairing code: ${code}`);
      }
    }
    if (update.connection === 'open') {
      policy.onSuccess();
      setStatus({ state: 'open', detail: 'connected' });
      logger.info('baileys.connected');
      void sentMessages
        .prune(new Date(now() - SENT_MESSAGE_TTL_MS))
        .catch((err: unknown) => logger.warn({ err }, 'baileys.prune_failed'));
    } else if (update.connection === 'close') {
      detach?.();
      detach = undefined;
      current = undefined;
      if (!isStopped) await handleClose(update);
    }
  };

  const connect = async (): Promise<void> => {
    if (isStopped) return;
    try {
      auth ??= await usePostgresAuthState(pool, config.session);
      const state = auth;
      const socket = socketFactory({
        auth: state.state,
        getMessage: (key) => sentMessages.get(key),
        logger: libraryLogger,
      });
      current = socket;
      setStatus({ state: 'connecting', detail: 'connecting' });

      const onConnection: Listener<'connection.update'> = (update) => {
        handleUpdate(socket, update).catch((err: unknown) =>
          logger.error({ err }, 'baileys.connection_update_failed'),
        );
      };
      const onCreds: Listener<'creds.update'> = (update: Partial<AuthenticationCreds>) => {
        Object.assign(state.state.creds, update);
        credsSaved = credsSaved
          .then(() => state.saveCreds())
          .catch((err: unknown) => logger.error({ err }, 'baileys.creds_save_failed'));
      };
      const onUpsert: Listener<'messages.upsert'> = ({ messages, type }) => {
        if (type !== 'notify') return;
        const receivedAt = new Date(now());
        void storeEvents(messages.filter(isDebtorMessage).map((m) => toRawEvent(m, receivedAt)));
      };
      const onUpdate: Listener<'messages.update'> = (updates) => {
        const receivedAt = new Date(now());
        void storeEvents(
          updates.flatMap((u) => {
            const event = toStatusEvent(u, receivedAt);
            return event === undefined ? [] : [event];
          }),
        );
      };
      socket.ev.on('connection.update', onConnection);
      socket.ev.on('creds.update', onCreds);
      socket.ev.on('messages.upsert', onUpsert);
      socket.ev.on('messages.update', onUpdate);
      detach = () => {
        socket.ev.off('connection.update', onConnection);
        socket.ev.off('creds.update', onCreds);
        socket.ev.off('messages.upsert', onUpsert);
        socket.ev.off('messages.update', onUpdate);
      };
    } catch (err) {
      logger.error({ err }, 'baileys.connect_failed');
      onFailure('connect error', undefined);
    }
  };

  const stopSocket = async (): Promise<void> => {
    cancelTimer?.();
    cancelTimer = undefined;
    detach?.();
    detach = undefined;
    const socket = current;
    current = undefined;
    if (socket !== undefined) await socket.end(undefined);
    await credsSaved;
  };

  logger.warn('baileys.unofficial_client');
  await connect();

  return {
    status: () => status,
    socket: () => (status.state === 'open' ? current : undefined),
    sentMessages,
    pairAgain: async () => {
      if (status.state === 'open' || status.state === 'awaiting_pairing') return;
      await stopSocket();
      isStopped = false;
      policy.onSuccess();
      await connect();
    },
    stop: async () => {
      isStopped = true;
      await stopSocket();
      setStatus({ state: 'stopped', detail: 'stopped' });
      logger.info('baileys.stopped');
    },
  };
}
