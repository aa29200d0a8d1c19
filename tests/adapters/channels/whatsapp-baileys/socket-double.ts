/**
 * A stand-in for Baileys' socket: an EventEmitter behind the `ev.on/off` surface, emitting the
 * library's real event shapes, recording sends and never touching the network.
 */
import { EventEmitter } from 'node:events';
import { Boom } from '@hapi/boom';
import {
  DisconnectReason,
  proto,
  type AnyMessageContent,
  type AuthenticationState,
  type BaileysEventMap,
  type WAMessage,
} from '@whiskeysockets/baileys';
import type {
  BaileysSocket,
  SocketFactory,
  SocketFactoryOptions,
} from '../../../../src/adapters/channels/whatsapp-baileys/connection.js';

type EventName = keyof BaileysEventMap;

export class SocketDouble implements BaileysSocket {
  private readonly emitter = new EventEmitter();
  readonly auth: AuthenticationState;
  readonly options: SocketFactoryOptions;
  readonly sent: { jid: string; content: AnyMessageContent }[] = [];
  readonly pairingRequests: string[] = [];
  user: { id: string } | undefined = undefined;
  /** When set, the next sendMessage throws it. */
  failNextSend: Error | undefined = undefined;
  isEnded = false;
  private nextId = 1;

  readonly ev = {
    on: <E extends EventName>(event: E, listener: (arg: BaileysEventMap[E]) => void) => {
      this.emitter.on(event, listener);
    },
    off: <E extends EventName>(event: E, listener: (arg: BaileysEventMap[E]) => void) => {
      this.emitter.off(event, listener);
    },
  };

  constructor(options: SocketFactoryOptions) {
    this.options = options;
    this.auth = options.auth;
  }

  emit<E extends EventName>(event: E, arg: BaileysEventMap[E]): void {
    this.emitter.emit(event, arg);
  }

  listenerCount(event: EventName): number {
    return this.emitter.listenerCount(event);
  }

  open(): void {
    this.user = { id: '573000000001:7@s.whatsapp.net' };
    this.emit('connection.update', { connection: 'open', receivedPendingNotifications: false });
  }

  close(statusCode: number, message = 'Connection Closed'): void {
    this.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: new Boom(message, { statusCode }), date: new Date() },
    });
  }

  sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined> {
    if (this.failNextSend !== undefined) {
      const err = this.failNextSend;
      this.failNextSend = undefined;
      return Promise.reject(err);
    }
    this.sent.push({ jid, content });
    const text = 'text' in content ? content.text : undefined;
    const id = `3EB0FFFF${String(this.nextId++).padStart(12, '0')}`;
    return Promise.resolve({
      key: { remoteJid: jid, fromMe: true, id },
      message:
        text === undefined
          ? proto.Message.fromObject({ documentMessage: { fileName: 'x.pdf' } })
          : proto.Message.fromObject({ extendedTextMessage: { text } }),
      messageTimestamp: Math.floor(Date.now() / 1000),
      status: proto.WebMessageInfo.Status.PENDING,
    });
  }

  requestPairingCode(phoneNumber: string): Promise<string> {
    this.pairingRequests.push(phoneNumber);
    return Promise.resolve('ABCD1234');
  }

  end(): void {
    this.isEnded = true;
    this.close(DisconnectReason.connectionClosed);
  }
}

/** A factory that records every socket it makes. */
export function socketDoubleFactory(): { factory: SocketFactory; sockets: SocketDouble[] } {
  const sockets: SocketDouble[] = [];
  return {
    sockets,
    factory: (options) => {
      const socket = new SocketDouble(options);
      sockets.push(socket);
      return socket;
    },
  };
}

/** A manual clock and timer queue for the reconnect schedule. */
export class FakeTimers {
  nowMs = Date.UTC(2026, 0, 1, 12);
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;

  readonly now = (): number => this.nowMs;

  readonly schedule = (fn: () => void, ms: number): (() => void) => {
    const id = this.nextId++;
    this.queue.push({ at: this.nowMs + ms, fn, id });
    return () => {
      this.queue = this.queue.filter((t) => t.id !== id);
    };
  };

  /** Delays still pending, relative to now. */
  pending(): number[] {
    return this.queue.map((t) => t.at - this.nowMs).sort((a, b) => a - b);
  }

  /** Advances to the next timer and runs it. */
  async runNext(): Promise<number> {
    this.queue.sort((a, b) => a.at - b.at);
    const next = this.queue.shift();
    if (next === undefined) throw new Error('no timer pending');
    const waited = next.at - this.nowMs;
    this.nowMs = next.at;
    next.fn();
    await settle();
    return waited;
  }
}

/** Lets queued promise callbacks (and one round of I/O) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Polls until `condition` holds (real time), for effects that go through the database. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
