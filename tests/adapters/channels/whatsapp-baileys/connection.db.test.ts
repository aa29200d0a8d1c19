import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DisconnectReason, proto } from '@whiskeysockets/baileys';
import pino from 'pino';
import { usePostgresAuthState } from '../../../../src/adapters/channels/whatsapp-baileys/auth-state.js';
import type { BaileysConfig } from '../../../../src/adapters/channels/whatsapp-baileys/config.js';
import {
  startBaileys,
  type BaileysConnection,
} from '../../../../src/adapters/channels/whatsapp-baileys/connection.js';
import { baileysParser } from '../../../../src/adapters/channels/whatsapp-baileys/parse.js';
import type { Inbox, RawInboundEvent } from '../../../../src/ports/channel.js';
import * as fx from '../../../fixtures/whatsapp-baileys/messages.js';
import { createTestDatabase, type TestDatabase } from '../../../support/db.js';
import { FakeTimers, socketDoubleFactory, waitFor } from './socket-double.js';

let db: TestDatabase;
let sessionSeq = 0;
const running: BaileysConnection[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

afterAll(async () => {
  await db.close();
});

function config(overrides: Partial<BaileysConfig> = {}): BaileysConfig {
  sessionSeq += 1;
  return {
    session: `test-${sessionSeq}`,
    pairingNumber: undefined,
    printQr: true,
    minIntervalMs: 3000,
    maxPerMinute: 8,
    reconnect: {
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      circuitFailures: 4,
      circuitWindowMs: 300_000,
      circuitCooldownMs: 900_000,
    },
    ...overrides,
  };
}

/** A de-duplicating in-memory inbox, as the PostgreSQL one behaves. */
class MemoryInbox implements Inbox {
  readonly events = new Map<string, RawInboundEvent>();
  store(events: readonly RawInboundEvent[]) {
    let stored = 0;
    for (const e of events) {
      const key = `${e.provider}|${e.eventId}`;
      if (!this.events.has(key)) {
        this.events.set(key, e);
        stored += 1;
      }
    }
    return Promise.resolve({ stored, duplicates: events.length - stored });
  }
}

async function start(cfg = config()) {
  const logs: { msg: string; [k: string]: unknown }[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as (typeof logs)[number]) },
  );
  const timers = new FakeTimers();
  const { factory, sockets } = socketDoubleFactory();
  const inbox = new MemoryInbox();
  const printed: string[] = [];
  const connection = await startBaileys({
    config: cfg,
    pool: db.pool,
    inbox,
    logger,
    socketFactory: factory,
    schedule: timers.schedule,
    now: timers.now,
    random: () => 1,
    print: (text) => printed.push(text),
  });
  running.push(connection);
  const socket = (i = sockets.length - 1) => {
    const s = sockets[i];
    if (s === undefined) throw new Error(`no socket ${i}`);
    return s;
  };
  return { connection, timers, sockets, socket, inbox, logs, printed, cfg };
}

describe('startBaileys', () => {
  it('shows the QR in the terminal and in the status until the phone pairs', async () => {
    const { connection, socket, printed } = await start();
    expect(connection.status().state).toBe('connecting');
    socket().emit('connection.update', { qr: '2@AbCdEf==,XyZ=,QRref=,1' });
    await waitFor(() => printed.length === 1);
    expect(connection.status()).toMatchObject({
      state: 'awaiting_pairing',
      qr: '2@AbCdEf==,XyZ=,QRref=,1',
    });
    expect(printed[0]).toMatch(/[▄▀█]/);
    expect(connection.socket()).toBeUndefined();

    socket().open();
    expect(connection.status().state).toBe('open');
    expect(connection.status().qr).toBeUndefined();
    expect(connection.socket()).toBe(socket());
  });

  it('asks for a pairing code when a pairing number is configured', async () => {
    const { connection, socket, printed } = await start(config({ pairingNumber: '573001234567' }));
    socket().emit('connection.update', { connection: 'connecting', qr: '2@first' });
    await waitFor(() => connection.status().pairingCode !== undefined);
    socket().emit('connection.update', { qr: '2@second' });
    expect(socket().pairingRequests).toEqual(['573001234567']);
    expect(connection.status()).toMatchObject({
      state: 'awaiting_pairing',
      pairingCode: 'ABCD1234',
    });
    expect(printed).toEqual(['WhatsApp pairing code: ABCD1234']);
  });

  it('saves the credentials on every creds.update, so a restart needs no new pairing', async () => {
    const { socket, cfg } = await start();
    socket().emit('creds.update', {
      registered: true,
      me: { id: '573000000001:7@s.whatsapp.net', lid: '111122223333444:7@lid' },
    });
    socket().emit('creds.update', { routingInfo: Buffer.from([1, 2, 3]) });
    await waitFor(() => socket().auth.creds.routingInfo !== undefined);
    let restored = await usePostgresAuthState(db.pool, cfg.session);
    for (let i = 0; i < 50 && restored.state.creds.routingInfo === undefined; i += 1) {
      await new Promise((r) => setTimeout(r, 10));
      restored = await usePostgresAuthState(db.pool, cfg.session);
    }
    expect(restored.state.creds.registered).toBe(true);
    expect(restored.state.creds.me?.lid).toBe('111122223333444:7@lid');
    expect(restored.state.creds.routingInfo).toEqual(Buffer.from([1, 2, 3]));
    expect(restored.state.creds.noiseKey).toEqual(socket().auth.creds.noiseKey);
  });

  it('stores one-to-one debtor messages and ignores groups, status, our own and protocol messages', async () => {
    const { socket, inbox } = await start();
    socket().open();
    socket().emit('messages.upsert', {
      type: 'notify',
      messages: [
        fx.pnText,
        fx.lidText,
        fx.groupText,
        fx.fromMe,
        fx.statusBroadcast,
        fx.buttonReply,
        fx.revoke,
      ],
    });
    // History and offline catch-up arrive as 'append': never answered as new messages.
    socket().emit('messages.upsert', { type: 'append', messages: [fx.image] });
    await waitFor(() => inbox.events.size === 3);
    const events = [...inbox.events.values()];
    expect(events.map((e) => e.eventId)).toEqual([
      '3EB0C431D2A1F0E9B001:573001234567@s.whatsapp.net',
      '3EB0C431D2A1F0E9B002:987654321098765@lid',
      '3EB0C431D2A1F0E9B007:987654321098765@lid',
    ]);
    expect(events.every((e) => e.provider === 'whatsapp-baileys')).toBe(true);
    // What was stored parses back: the LID sender with its phone, the button by id.
    const parsed = events.flatMap((e) =>
      baileysParser.parse(JSON.parse(JSON.stringify(e.payload))),
    );
    expect(parsed).toMatchObject([
      { sender: { externalId: '573001234567@s.whatsapp.net', phone: '+573001234567' } },
      { sender: { externalId: '987654321098765@lid', phone: '+525512345678' } },
      { content: { type: 'choice', optionId: 'pay_today' } },
    ]);

    // A redelivered message is stored once.
    socket().emit('messages.upsert', { type: 'notify', messages: [fx.pnText] });
    await new Promise((r) => setTimeout(r, 20));
    expect(inbox.events.size).toBe(3);
  });

  it('stores delivery receipts for our messages and parses them as statuses', async () => {
    const { socket, inbox, timers } = await start();
    socket().open();
    socket().emit('messages.update', [
      {
        key: { remoteJid: fx.LID_JID, fromMe: true, id: '3EB0FFFF000000000001' },
        update: { status: proto.WebMessageInfo.Status.DELIVERY_ACK },
      },
      {
        key: { remoteJid: fx.LID_JID, fromMe: true, id: '3EB0FFFF000000000001' },
        update: { status: proto.WebMessageInfo.Status.READ },
      },
      // Edits and others' messages are not receipts.
      { key: { remoteJid: fx.PN_JID, fromMe: false, id: 'X1' }, update: { status: 3 } },
      { key: { remoteJid: fx.PN_JID, fromMe: true, id: 'X2' }, update: { starred: true } },
    ]);
    await waitFor(() => inbox.events.size === 2);
    const items = [...inbox.events.values()].flatMap((e) =>
      baileysParser.parse(JSON.parse(JSON.stringify(e.payload))),
    );
    expect(items).toEqual([
      {
        type: 'status',
        provider: 'whatsapp-baileys',
        providerMessageId: '3EB0FFFF000000000001',
        state: 'delivered',
        at: new Date(timers.nowMs),
      },
      {
        type: 'status',
        provider: 'whatsapp-baileys',
        providerMessageId: '3EB0FFFF000000000001',
        state: 'read',
        at: new Date(timers.nowMs),
      },
    ]);
  });

  it('reconnects with growing, capped backoff and opens the circuit after repeated failures', async () => {
    const { connection, sockets, socket, timers, logs } = await start();
    socket().open();

    socket().close(DisconnectReason.connectionLost, 'Connection was lost');
    expect(connection.status().state).toBe('reconnecting');
    expect(timers.pending()).toEqual([1000]);
    expect(socket().listenerCount('messages.upsert')).toBe(0);
    await timers.runNext();
    expect(sockets).toHaveLength(2);

    socket().close(DisconnectReason.connectionClosed);
    expect(timers.pending()).toEqual([2000]);
    await timers.runNext();
    socket().close(DisconnectReason.unavailableService);
    expect(timers.pending()).toEqual([4000]);
    await timers.runNext();

    socket().close(DisconnectReason.timedOut);
    expect(connection.status().state).toBe('circuit_open');
    expect(timers.pending()).toEqual([900_000]);
    expect(logs.find((l) => l.msg === 'baileys.circuit_open')).toMatchObject({
      failures: 4,
      cooldownMs: 900_000,
      statusCode: 408,
    });
    expect(sockets).toHaveLength(4);

    // After the cool-down, one trial connection; it opens and the backoff starts over.
    await timers.runNext();
    expect(sockets).toHaveLength(5);
    socket().open();
    expect(connection.status().state).toBe('open');
    socket().close(DisconnectReason.connectionClosed);
    expect(timers.pending()).toEqual([1000]);
  });

  it('restarts at once when WhatsApp asks after pairing, without counting a failure', async () => {
    const { sockets, socket, timers } = await start();
    socket().close(DisconnectReason.restartRequired, 'Stream Errored (restart required)');
    expect(timers.pending()).toEqual([0]);
    await timers.runNext();
    expect(sockets).toHaveLength(2);
    socket().open();
    socket().close(DisconnectReason.connectionClosed);
    expect(timers.pending()).toEqual([1000]);
  });

  it('offers fresh QR codes when they expire unscanned, without tripping the circuit', async () => {
    const { connection, sockets, socket, timers } = await start();
    for (let i = 0; i < 6; i += 1) {
      socket().emit('connection.update', { qr: `2@qr${i}` });
      await waitFor(() => connection.status().state === 'awaiting_pairing');
      socket().close(DisconnectReason.timedOut, 'QR refs attempts ended');
      expect(connection.status().state).toBe('connecting');
      await timers.runNext();
    }
    expect(sockets).toHaveLength(7);
  });

  it('stops and says so when WhatsApp logs the device out, wiping the dead credentials', async () => {
    const { connection, socket, timers, logs, cfg } = await start();
    socket().emit('creds.update', { registered: true });
    socket().open();
    socket().close(DisconnectReason.loggedOut, 'Intentional Logout');
    await waitFor(() => logs.some((l) => l.msg === 'baileys.logged_out'));
    expect(connection.status()).toMatchObject({
      state: 'logged_out',
      detail: 'logged_out — pair again',
    });
    expect(timers.pending()).toEqual([]);
    const stored = async () =>
      (
        await db.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM baileys_auth WHERE session = $1',
          [cfg.session],
        )
      ).rows[0]?.n;
    for (let i = 0; i < 100 && (await stored()) !== 0; i += 1) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await stored()).toBe(0);

    // Pairing again starts a new session with fresh credentials.
    await connection.pairAgain();
    expect(connection.status().state).toBe('connecting');
    expect(socket().auth.creds.registered).toBe(false);
  });

  it('answers re-send requests from the messages it sent', async () => {
    const { connection, socket } = await start();
    socket().open();
    const sent = await socket().sendMessage(fx.LID_JID, { text: 'Tu saldo es $120.000' });
    await connection.sentMessages.save(sent!);
    const content = await socket().options.getMessage(sent!.key);
    expect(content?.extendedTextMessage?.text).toBe('Tu saldo es $120.000');
  });

  it('ends the socket on stop and never reconnects', async () => {
    const { connection, socket, timers } = await start();
    socket().open();
    await connection.stop();
    expect(socket().isEnded).toBe(true);
    expect(connection.status().state).toBe('stopped');
    expect(timers.pending()).toEqual([]);
  });
});
