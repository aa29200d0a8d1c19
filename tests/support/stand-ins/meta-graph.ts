/**
 * A stand-in for Meta's Graph API (WhatsApp Cloud API) on 127.0.0.1: it records every request
 * and answers `POST /{version}/{phone-number-id}/messages` in Meta's wire format. Tests script
 * the next answers (429, 500, Graph errors such as 131047, slow answers, hang-ups), so the real
 * sender code runs against it. It also plays Meta's webhook side: signed deliveries.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
}

export interface ScriptedResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (for timeouts). */
  readonly delayMs?: number;
  /** Close the connection without answering (a network error). */
  readonly hangUp?: boolean;
}

export interface MetaGraphStandIn {
  /** Base URL to use as WHATSAPP_CLOUD_GRAPH_URL. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Sends refused with 130429 because they broke `messagesPerSecond`. */
  readonly rateLimited: () => number;
  /** Answers for the next requests, in order; afterwards the normal behaviour resumes. */
  enqueue(...responses: ScriptedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

export interface MetaGraphOptions {
  readonly token: string;
  readonly phoneNumberId: string;
  readonly apiVersion: string;
  /** Delay every default answer by a random time up to this (keeps sends in flight). */
  readonly maxDelayMs?: number;
  /**
   * Meta's throughput limit: a message beyond this many in the last second is refused with
   * 130429, as the Cloud API does (80 by default for a business number).
   */
  readonly messagesPerSecond?: number;
}

/** A Graph API error answer as Meta sends it. */
export function graphError(
  status: number,
  code: number,
  message: string,
  details?: string,
  headers?: Readonly<Record<string, string>>,
): ScriptedResponse {
  return {
    status,
    headers: headers ?? {},
    body: {
      error: {
        message: `(#${code}) ${message}`,
        type: 'OAuthException',
        code,
        ...(details === undefined
          ? {}
          : { error_data: { messaging_product: 'whatsapp', details } }),
        fbtrace_id: 'AbCdEfGhIjKlMnOp',
      },
    },
  };
}

/** Errors WhatsApp really returns, for scripting. */
export const graphErrors = {
  reEngagement: graphError(
    400,
    131047,
    'Re-engagement message',
    'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  ),
  undeliverable: graphError(400, 131026, 'Message undeliverable'),
  templateParams: graphError(
    400,
    132000,
    'Number of parameters does not match the expected number of params',
  ),
  invalidParameter: graphError(400, 100, 'Invalid parameter'),
  throughput: (headers?: Readonly<Record<string, string>>) =>
    graphError(
      400,
      130429,
      'Rate limit hit',
      'Cloud API message throughput has been reached.',
      headers,
    ),
  pairRate: graphError(400, 131056, '(Business Account, Consumer Account) pair rate limit hit'),
  tooManyRequests: (headers?: Readonly<Record<string, string>>) =>
    graphError(429, 80007, 'Rate limit issues', undefined, headers),
  serverError: graphError(500, 131000, 'Something went wrong'),
} as const;

let sequence = 0;

/** Starts the stand-in on an ephemeral port. */
export async function startMetaGraph(options: MetaGraphOptions): Promise<MetaGraphStandIn> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedResponse[] = [];
  const accepted: number[] = [];
  let rateLimited = 0;
  const messagesPath = `/${options.apiVersion}/${options.phoneNumberId}/messages`;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Recorded as text; the default behaviour answers it with a Graph error.
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const scripted = queue.shift();
      const answer = scripted ?? {
        ...defaultAnswer(req.method, req.url, req.headers, body),
        ...(options.maxDelayMs === undefined
          ? {}
          : { delayMs: Math.floor(Math.random() * options.maxDelayMs) }),
      };
      if (answer.hangUp === true) {
        req.socket.destroy();
        return;
      }
      const respond = (): void => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      };
      if (answer.delayMs === undefined) respond();
      else setTimeout(respond, answer.delayMs).unref();
    });
  });

  function defaultAnswer(
    method: string | undefined,
    url: string | undefined,
    headers: IncomingHttpHeaders,
    body: unknown,
  ): ScriptedResponse {
    if (headers.authorization !== `Bearer ${options.token}`) {
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    if (method !== 'POST' || url !== messagesPath) {
      return graphError(400, 100, 'Unsupported post request');
    }
    const message = body as { messaging_product?: unknown; to?: unknown; type?: unknown } | null;
    if (
      typeof message !== 'object' ||
      message === null ||
      message.messaging_product !== 'whatsapp'
    ) {
      return graphError(400, 100, 'Invalid parameter', 'messaging_product is required');
    }
    if (typeof message.to !== 'string' || typeof message.type !== 'string') {
      return graphError(400, 100, 'Invalid parameter', 'to and type are required');
    }
    if (options.messagesPerSecond !== undefined) {
      const at = performance.now();
      while (accepted.length > 0 && at - accepted[0]! >= 1000) accepted.shift();
      if (accepted.length >= options.messagesPerSecond) {
        rateLimited += 1;
        return graphErrors.throughput();
      }
      accepted.push(at);
    }
    sequence += 1;
    const id = `wamid.HBgMNTczMDAxMjM0NTY3FQIAERgS${String(sequence).padStart(6, '0')}AA==`;
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: message.to, wa_id: message.to }],
        messages: message.type === 'template' ? [{ id, message_status: 'accepted' }] : [{ id }],
      },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rateLimited: () => rateLimited,
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Meta's side of a webhook delivery: the JSON body signed with the app secret. */
export async function deliverWhatsAppWebhook(
  webhookUrl: string,
  payload: unknown,
  appSecret: string,
  options: { readonly signature?: string; readonly rawBody?: string } = {},
): Promise<Response> {
  const raw = options.rawBody ?? JSON.stringify(payload);
  const signature =
    options.signature ?? `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
  return fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body: raw,
  });
}

/** Meta's webhook envelope around one `messages` change of a phone number. */
function whatsAppChange(phoneNumberId: string, value: Record<string, unknown>): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA-1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** A debtor's text message as Meta delivers it, sent now. */
export function whatsAppTextWebhook(message: {
  readonly phoneNumberId: string;
  readonly from: string;
  readonly id: string;
  readonly text: string;
}): unknown {
  return whatsAppChange(message.phoneNumberId, {
    contacts: [{ profile: { name: 'Deudor' }, wa_id: message.from }],
    messages: [
      {
        from: message.from,
        id: message.id,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'text',
        text: { body: message.text },
      },
    ],
  });
}

/** Meta's "sent" report for a message we sent, echoing our outbox id. */
export function whatsAppSentStatusWebhook(status: {
  readonly phoneNumberId: string;
  readonly wamid: string;
  readonly recipient: string;
  readonly outboxId: string;
}): unknown {
  return whatsAppChange(status.phoneNumberId, {
    statuses: [
      {
        id: status.wamid,
        status: 'sent',
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: status.recipient,
        biz_opaque_callback_data: status.outboxId,
      },
    ],
  });
}
