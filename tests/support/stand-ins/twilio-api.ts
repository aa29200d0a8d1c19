/**
 * A stand-in for Twilio's REST API (Messages.json create only), speaking its wire format: form-
 * encoded request bodies, HTTP basic auth with the Account SID and auth token, JSON Message
 * resources on 201 and Twilio's `{ code, message, more_info, status }` error bodies. Tests
 * script what it answers next and read what it received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the stand-in saw it. */
export interface RecordedTwilioRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly userAgent: string | undefined;
  /** The basic-auth user and whether the password matched. */
  readonly username: string | undefined;
  readonly isAuthorized: boolean;
  readonly form: Readonly<Record<string, string>>;
}

/** What to answer to the next Messages.json create. */
export type TwilioReply =
  | { readonly type: 'accept' }
  | { readonly type: 'rate-limited'; readonly retryAfterSeconds?: number }
  | {
      readonly type: 'error';
      readonly status: number;
      readonly code: number;
      readonly message: string;
    }
  /** Closes the connection without an answer (a reset, as a crashed proxy would). */
  | { readonly type: 'drop' }
  /** Never answers (until the stand-in closes), so the client's timeout fires. */
  | { readonly type: 'hang' }
  /** Creates the message, then loses the connection before answering: the sender cannot know. */
  | { readonly type: 'accept-then-drop' };

export const twilioReplies = {
  unsubscribed: {
    type: 'error',
    status: 400,
    code: 21610,
    message: 'Attempt to send to unsubscribed recipient',
  },
  invalidNumber: {
    type: 'error',
    status: 400,
    code: 21211,
    message: "Invalid 'To' Phone Number: +57300",
  },
  serverError: { type: 'error', status: 500, code: 20500, message: 'Internal Server Error' },
} as const satisfies Record<string, TwilioReply>;

export interface TwilioApiStandIn {
  /** http://127.0.0.1:port, for TWILIO_API_BASE_URL. */
  readonly url: string;
  readonly requests: readonly RecordedTwilioRequest[];
  /** Queues answers for the next creates; once they run out, messages are accepted. */
  reply(...replies: TwilioReply[]): void;
  /** The sids of accepted messages, in order. */
  readonly acceptedSids: readonly string[];
  close(): Promise<void>;
}

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(
    JSON.stringify({
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    }),
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function basicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic (.+)$/.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? undefined
    : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Starts the stand-in on 127.0.0.1 and an ephemeral port. */
export async function startTwilioApi(credentials: {
  readonly accountSid: string;
  readonly authToken: string;
}): Promise<TwilioApiStandIn> {
  const requests: RecordedTwilioRequest[] = [];
  const queue: TwilioReply[] = [];
  const acceptedSids: string[] = [];
  let counter = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const auth = basicAuth(req.headers.authorization);
    const isAuthorized =
      auth?.user === credentials.accountSid && auth.password === credentials.authToken;
    const form = Object.fromEntries(new URLSearchParams(raw));
    requests.push({
      method: req.method ?? '',
      path,
      contentType: req.headers['content-type'],
      userAgent: req.headers['user-agent'],
      username: auth?.user,
      isAuthorized,
      form,
    });

    const route = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (req.method !== 'POST' || !route) {
      twilioError(res, 404, 20404, 'The requested resource was not found');
      return;
    }
    if (!isAuthorized || route[1] !== credentials.accountSid) {
      twilioError(res, 401, 20003, 'Authenticate');
      return;
    }
    const next = queue.shift() ?? { type: 'accept' };
    switch (next.type) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      case 'rate-limited': {
        const headers: Record<string, string> = {
          'content-type': 'application/json; charset=utf-8',
        };
        if (next.retryAfterSeconds !== undefined)
          headers['retry-after'] = String(next.retryAfterSeconds);
        res.writeHead(429, headers);
        res.end(
          JSON.stringify({
            code: 20429,
            message: 'Too Many Requests',
            more_info: 'https://www.twilio.com/docs/errors/20429',
            status: 429,
          }),
        );
        return;
      }
      case 'error':
        twilioError(res, next.status, next.code, next.message);
        return;
      case 'accept':
      case 'accept-then-drop':
        break;
    }
    if (!form.To) {
      twilioError(res, 400, 21604, "A 'To' phone number is required.");
      return;
    }
    if (!form.From && !form.MessagingServiceSid) {
      twilioError(res, 400, 21603, "A 'From' phone number is required.");
      return;
    }
    if (!form.Body) {
      twilioError(res, 400, 21602, 'Message body is required.');
      return;
    }
    counter += 1;
    const sid = `SM${counter.toString(16).padStart(32, '0')}`;
    acceptedSids.push(sid);
    if (next.type === 'accept-then-drop') {
      req.socket.destroy();
      return;
    }
    const now = new Date().toUTCString().replace('GMT', '+0000');
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        account_sid: credentials.accountSid,
        api_version: '2010-04-01',
        body: form.Body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: form.From ?? null,
        messaging_service_sid: form.MessagingServiceSid ?? null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: form.MessagingServiceSid ? 'accepted' : 'queued',
        subresource_uris: {
          media: `/2010-04-01/Accounts/${credentials.accountSid}/Messages/${sid}/Media.json`,
        },
        to: form.To,
        uri: `/2010-04-01/Accounts/${credentials.accountSid}/Messages/${sid}.json`,
      }),
    );
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) twilioError(res, 500, 20500, 'stand-in failure');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    acceptedSids,
    reply: (...replies) => {
      queue.push(...replies);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
