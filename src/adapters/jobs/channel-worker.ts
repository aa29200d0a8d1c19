import type { Logger } from 'pino';
import type { OutboxDispatcher } from '../../app/dispatch-outbox.js';
import { processInbox, type InboxProcessorDeps } from '../../app/process-inbox.js';
import type { OutboxStore } from '../../ports/outbox.js';

export interface ChannelWorkerOptions {
  readonly inbox: InboxProcessorDeps;
  readonly dispatcher: OutboxDispatcher;
  readonly outbox: OutboxStore;
  readonly logger: Logger;
  /** How often to look for work when the last look found none. */
  readonly idleMs?: number;
  /** A row `sending` for longer than this belongs to a crashed dispatcher. */
  readonly sendTimeoutMs?: number;
  /** Processed events are kept this long so redeliveries stay no-ops (at least 8 days). */
  readonly keepEventsMs?: number;
  /**
   * An interrupted send to a provider that reports every message it accepts is sent again when
   * no report came within this long (default 10 minutes).
   */
  readonly resendUnconfirmedAfterMs?: number;
}

/** Providers that send a delivery report for every message they accept. */
const reportingProviders = ['whatsapp-cloud', 'twilio-sms', 'whatsapp-baileys'] as const;

export interface RunningWorker {
  /** Finishes the batch in hand, then stops. */
  stop(): Promise<void>;
  /** Resolves after the next full pass over inbox and outbox (for tests and benchmarks). */
  drain(): Promise<void>;
}

const eightDaysMs = 8 * 24 * 3600 * 1000;

/**
 * The job loop behind every channel: process stored events into turns, send due outbox rows,
 * and every so often mark rows a crash left `sending` as `unknown` and purge old events. It
 * polls (PGlite has one connection and no LISTEN/NOTIFY) and goes again at once while there is
 * work. Several workers may run against one PostgreSQL: claims use SKIP LOCKED.
 */
export function startChannelWorker(options: ChannelWorkerOptions): RunningWorker {
  const { logger } = options;
  const clock = options.inbox.conversations.clock;
  const idleMs = options.idleMs ?? 200;
  let isStopping = false;
  let lastHousekeeping = 0;
  let drains: (() => void)[] = [];

  const housekeeping = async (): Promise<void> => {
    const now = clock.now();
    const sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
    const resendAfterMs = options.resendUnconfirmedAfterMs ?? 10 * 60_000;
    if (now.getTime() - lastHousekeeping <= Math.min(30_000, sendTimeoutMs / 2, resendAfterMs / 2))
      return;
    lastHousekeeping = now.getTime();
    const unknown = await options.outbox.markStaleUnknown(
      new Date(now.getTime() - sendTimeoutMs),
      now,
    );
    if (unknown > 0) logger.warn({ rows: unknown }, 'outbox.interrupted_sends');
    const requeued = await options.outbox.requeueUnconfirmed(
      new Date(now.getTime() - resendAfterMs),
      reportingProviders,
      now,
    );
    if (requeued > 0) logger.warn({ rows: requeued }, 'outbox.unconfirmed_resent');
    const purged = await options.inbox.events.purgeProcessed(
      new Date(now.getTime() - Math.max(eightDaysMs, options.keepEventsMs ?? eightDaysMs)),
    );
    if (purged > 0) logger.info({ events: purged }, 'inbox.purged');
  };

  const inboxPass = async (): Promise<boolean> => {
    const inbound = await processInbox(options.inbox, 200);
    for (const failure of inbound.failed) {
      logger.warn(
        { eventId: failure.id, error: failure.error, isFinal: failure.isFinal },
        'inbox.event_failed',
      );
    }
    await housekeeping();
    return inbound.processed + inbound.failed.length > 0;
  };

  const outboxPass = async (): Promise<boolean> => {
    const outbound = await options.dispatcher.dispatchDue(200);
    if (outbound.failed > 0 || outbound.cancelled > 0 || outbound.uncertain > 0)
      logger.info({ ...outbound }, 'outbox.dispatched');
    return (
      outbound.sent + outbound.retried + outbound.failed + outbound.cancelled + outbound.uncertain >
      0
    );
  };

  // Two loops, so replies go out while the next events are being turned into turns.
  const idle = { inbox: false, outbox: false };
  const wakes = new Set<() => void>();
  const loop = (name: 'inbox' | 'outbox', pass: () => Promise<boolean>) =>
    (async () => {
      while (!isStopping) {
        let hadWork = false;
        try {
          hadWork = await pass();
        } catch (err) {
          logger.error({ err, loop: name }, 'channel_worker.pass_failed');
        }
        idle[name] = !hadWork;
        if (idle.inbox && idle.outbox) {
          const waiting = drains;
          drains = [];
          for (const resolve of waiting) resolve();
        }
        if (!hadWork) {
          await new Promise<void>((resolve) => {
            const wake = (): void => {
              clearTimeout(timer);
              wakes.delete(wake);
              resolve();
            };
            const timer = setTimeout(wake, idleMs);
            wakes.add(wake);
          });
        }
      }
    })();
  const loops = Promise.all([loop('inbox', inboxPass), loop('outbox', outboxPass)]);

  return {
    async stop() {
      isStopping = true;
      for (const wake of [...wakes]) wake();
      await loops;
      for (const resolve of drains) resolve();
    },
    drain() {
      return new Promise<void>((resolve) => {
        idle.inbox = false;
        idle.outbox = false;
        drains.push(resolve);
        for (const wake of [...wakes]) wake();
      });
    },
  };
}
