/**
 * A stand-in Telegram Bot API server on 127.0.0.1, speaking the real wire format
 * (`POST /bot<token>/<method>`, answers `{ ok, result }` or `{ ok: false, error_code,
 * description, parameters? }`), so telegraf's own HTTP client runs in tests. It records every
 * request, queues updates for getUpdates (long polling included), and can be told to fail the
 * next calls of a method: 429 with retry_after, 403, 400, 500, a hang (for timeouts) or a
 * dropped connection.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  readonly method: string;
  readonly token: string;
  readonly contentType: string;
  /** The JSON body, or `{}` for an empty one; a multipart body is kept raw under `_raw`. */
  readonly body: Record<string, unknown>;
}

export type Failure =
  | { readonly status: 429; readonly retryAfter: number }
  | { readonly status: 400 | 403 | 404; readonly description: string }
  | { readonly status: 500 | 502 }
  /** Never answers: the client's timeout must fire. */
  | { readonly status: 'hang' }
  /** Closes the connection without an answer. */
  | { readonly status: 'reset' }
  /** Answers normally: to fail a later call, queue passes before it. */
  | { readonly status: 'pass' };

export interface TelegramBotApiStandIn {
  /** The API root to give telegraf: http://127.0.0.1:<port> */
  readonly url: string;
  readonly token: string;
  readonly botUser: { id: number; is_bot: true; first_name: string; username: string };
  readonly calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** The next call(s) to `method` fail this way, in order. */
  failNext(method: string, ...failures: Failure[]): void;
  /** Queues updates for getUpdates, waking a pending long poll. */
  pushUpdates(...updates: Record<string, unknown>[]): void;
  /** The offset of the last getUpdates call (what has been confirmed). */
  lastOffset(): number | undefined;
  reset(): void;
  close(): Promise<void>;
}

const descriptions: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function apiError(
  res: ServerResponse,
  code: number,
  description: string,
  parameters?: Record<string, unknown>,
): void {
  answer(res, code, {
    ok: false,
    error_code: code,
    description,
    ...(parameters === undefined ? {} : { parameters }),
  });
}

/** Starts the stand-in; `token` is the only bot token it accepts. */
export async function startTelegramBotApi(
  options: { token?: string } = {},
): Promise<TelegramBotApiStandIn> {
  const token = options.token ?? '123456789:AAHstand-in-token-for-tests-0123456789';
  const botUser = {
    id: 7012345678,
    is_bot: true as const,
    first_name: 'Cuota',
    username: 'CuotaTestBot',
  };
  const calls: RecordedCall[] = [];
  const failures = new Map<string, Failure[]>();
  let updates: Record<string, unknown>[] = [];
  let waiters: (() => void)[] = [];
  let nextMessageId = 1000;
  let offset: number | undefined;
  const hanging = new Set<ServerResponse>();

  function message(chatId: unknown, extra: Record<string, unknown>): Record<string, unknown> {
    nextMessageId += 1;
    return {
      message_id: nextMessageId,
      from: botUser,
      chat: { id: Number(chatId), first_name: 'Debtor', type: 'private' },
      date: Math.floor(Date.now() / 1000),
      ...extra,
    };
  }

  function pendingUpdates(): Record<string, unknown>[] {
    if (offset !== undefined) {
      const confirmed = offset;
      updates = updates.filter((u) => (u.update_id as number) >= confirmed);
    }
    return updates;
  }

  async function getUpdates(body: Record<string, unknown>, req: IncomingMessage): Promise<unknown> {
    if (typeof body.offset === 'number') offset = body.offset;
    const timeoutSeconds = typeof body.timeout === 'number' ? body.timeout : 0;
    if (pendingUpdates().length === 0 && timeoutSeconds > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutSeconds * 1000);
        function done(): void {
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== done);
          resolve();
        }
        waiters.push(done);
        req.on('close', done);
      });
    }
    return [...pendingUpdates()];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const raw = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    if (match === null) {
      apiError(res, 404, 'Not Found');
      return;
    }
    const [, givenToken = '', method = ''] = match;
    let body: Record<string, unknown> = {};
    if (contentType.startsWith('application/json') && raw !== '') {
      body = JSON.parse(raw) as Record<string, unknown>;
    } else if (raw !== '') {
      body = { _raw: raw };
    }
    calls.push({ method, token: givenToken, contentType, body });
    if (givenToken !== token) {
      apiError(res, 401, 'Unauthorized');
      return;
    }
    const failure = failures.get(method)?.shift();
    if (failure !== undefined && failure.status !== 'pass') {
      switch (failure.status) {
        case 'hang':
          hanging.add(res);
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 429:
          apiError(res, 429, `Too Many Requests: retry after ${failure.retryAfter}`, {
            retry_after: failure.retryAfter,
          });
          return;
        case 500:
        case 502:
          apiError(res, failure.status, descriptions[failure.status] ?? 'Server Error');
          return;
        case 400:
        case 403:
        case 404:
          apiError(res, failure.status, failure.description);
          return;
      }
    }
    switch (method) {
      case 'getMe':
        answer(res, 200, { ok: true, result: { ...botUser, can_join_groups: true } });
        return;
      case 'sendMessage': {
        const text = typeof body.text === 'string' ? body.text : '';
        if (text.trim() === '') {
          apiError(res, 400, 'Bad Request: message text is empty');
          return;
        }
        if (text.length > 4096) {
          apiError(res, 400, 'Bad Request: message is too long');
          return;
        }
        const extra: Record<string, unknown> = { text };
        if (body.reply_markup !== undefined && 'inline_keyboard' in (body.reply_markup as object)) {
          extra.reply_markup = body.reply_markup;
        }
        answer(res, 200, { ok: true, result: message(body.chat_id, extra) });
        return;
      }
      case 'sendDocument': {
        if (typeof body.document !== 'string' || body.document === '') {
          apiError(res, 400, 'Bad Request: there is no document in the request');
          return;
        }
        const fileName = new URL(body.document).pathname.split('/').pop() ?? 'file';
        answer(res, 200, {
          ok: true,
          result: message(body.chat_id, {
            document: {
              file_name: fileName,
              mime_type: 'application/pdf',
              file_id: `BQACAgEAAxkDAAI${nextMessageId}`,
              file_unique_id: `AgAD${nextMessageId}`,
              file_size: 12345,
            },
            ...(typeof body.caption === 'string' ? { caption: body.caption } : {}),
          }),
        });
        return;
      }
      case 'getUpdates':
        answer(res, 200, { ok: true, result: await getUpdates(body, req) });
        return;
      case 'answerCallbackQuery':
      case 'deleteWebhook':
      case 'setWebhook':
        answer(res, 200, { ok: true, result: true });
        return;
      default:
        apiError(res, 404, 'Not Found');
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      apiError(res, 500, err instanceof Error ? err.message : 'stand-in error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    botUser,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    failNext(method, ...more) {
      failures.set(method, [...(failures.get(method) ?? []), ...more]);
    },
    pushUpdates(...more) {
      updates.push(...more);
      for (const wake of [...waiters]) wake();
    },
    lastOffset: () => offset,
    reset() {
      calls.length = 0;
      failures.clear();
      updates = [];
      offset = undefined;
    },
    async close() {
      for (const wake of [...waiters]) wake();
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}
