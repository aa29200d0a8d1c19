/**
 * A stand-in for an OpenAI-compatible chat completions endpoint (POST /v1/chat/completions),
 * speaking its wire format: Bearer auth, chat.completion objects with `usage`, and OpenAI's
 * `{ error: { message, type, param, code } }` bodies on 4xx/5xx. It plays the model: tests
 * queue answers (valid JSON, malformed JSON, schema violations, errors, a hang) or install a
 * scripted model that answers by the debtor's message; by default it answers "unknown" with
 * low confidence, as an unsure model would. It records every request so tests can check what
 * the model was shown.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat message as the client sent it. */
export interface StandInMessage {
  readonly role: string;
  readonly content: string;
}

/** One request as the stand-in saw it. */
export interface RecordedOpenAiRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly model: string;
  readonly messages: readonly StandInMessage[];
  readonly responseFormat: string | undefined;
  /** The debtor's text, taken from between the prompt's tags in the last user message. */
  readonly debtorMessage: string;
}

/** What the stand-in answers to one request. */
export type OpenAiReply =
  /** A completion whose content is this object as JSON. */
  | { readonly type: 'json'; readonly body: unknown }
  /** A completion whose content is this text verbatim (malformed JSON, prose...). */
  | { readonly type: 'text'; readonly content: string }
  | {
      readonly type: 'error';
      readonly status: number;
      readonly message: string;
      readonly code?: string;
    }
  /** Never answers (until the stand-in closes), so the client's timeout fires. */
  | { readonly type: 'hang' }
  /** Answers after this many milliseconds (the model's own time). */
  | { readonly type: 'delayed'; readonly ms: number; readonly reply: OpenAiReply };

/** A scripted model: an answer for a debtor message, or undefined for the default answer. */
export type ScriptedModel = (
  debtorMessage: string,
  request: RecordedOpenAiRequest,
) => OpenAiReply | undefined;

export const openAiReplies = {
  unsure: { type: 'json', body: { intent: 'unknown', confidence: 0.1, entities: {} } },
  rateLimited: {
    type: 'error',
    status: 429,
    message: 'Rate limit reached for requests',
    code: 'rate_limit_exceeded',
  },
  serverError: {
    type: 'error',
    status: 500,
    message: 'The server had an error while processing your request.',
  },
} as const satisfies Record<string, OpenAiReply>;

export interface OpenAiApiStandIn {
  /** http://127.0.0.1:port/v1, for OPENAI_BASE_URL. */
  readonly url: string;
  readonly apiKey: string;
  readonly requests: readonly RecordedOpenAiRequest[];
  /** Queues answers for the next requests; once they run out, the scripted model answers. */
  reply(...replies: OpenAiReply[]): void;
  /** Installs a scripted model (undefined answers fall back to "unknown, low confidence"). */
  script(model: ScriptedModel | undefined): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function openAiError(res: ServerResponse, status: number, message: string, code?: string): void {
  const type =
    status === 429
      ? 'requests'
      : status >= 500
        ? 'server_error'
        : status === 401
          ? 'invalid_request_error'
          : 'invalid_request_error';
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(status === 429 ? { 'retry-after': '1' } : {}),
  });
  res.end(JSON.stringify({ error: { message, type, param: null, code: code ?? null } }));
}

const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function debtorMessageOf(messages: readonly StandInMessage[]): string {
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const tagged = /<[a-z_]+>\n?([\s\S]*?)\n?<\/[a-z_]+>/.exec(last);
  return (tagged?.[1] ?? last).trim();
}

/** Starts the stand-in on 127.0.0.1 and an ephemeral port. */
export async function startOpenAiApi(apiKey = 'sk-stand-in'): Promise<OpenAiApiStandIn> {
  const requests: RecordedOpenAiRequest[] = [];
  const queue: OpenAiReply[] = [];
  let model: ScriptedModel | undefined;
  let counter = 0;
  const hanging = new Set<ServerResponse>();

  const answer = async (
    res: ServerResponse,
    reply: OpenAiReply,
    request: RecordedOpenAiRequest,
  ): Promise<void> => {
    switch (reply.type) {
      case 'hang':
        hanging.add(res);
        return;
      case 'delayed':
        await new Promise((resolve) => setTimeout(resolve, reply.ms));
        return answer(res, reply.reply, request);
      case 'error':
        openAiError(res, reply.status, reply.message, reply.code);
        return;
      case 'json':
      case 'text': {
        const content = reply.type === 'json' ? JSON.stringify(reply.body) : reply.content;
        counter += 1;
        const promptTokens = tokens(request.messages.map((m) => m.content).join('\n'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-standin${counter}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: request.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content, refusal: null },
                logprobs: null,
                finish_reason: 'stop',
              },
            ],
            usage: {
              prompt_tokens: promptTokens,
              completion_tokens: tokens(content),
              total_tokens: promptTokens + tokens(content),
            },
          }),
        );
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
      if (req.method !== 'POST' || !/^(?:\/v1)?\/chat\/completions$/.test(path)) {
        openAiError(res, 404, `Unknown request URL: ${req.method} ${path}`);
        return;
      }
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        openAiError(res, 401, 'Incorrect API key provided', 'invalid_api_key');
        return;
      }
      let body: { model?: unknown; messages?: unknown; response_format?: { type?: unknown } };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        openAiError(res, 400, 'We could not parse the JSON body of your request.');
        return;
      }
      if (typeof body.model !== 'string' || !Array.isArray(body.messages)) {
        openAiError(res, 400, "'model' and 'messages' are required properties");
        return;
      }
      const messages = (body.messages as { role?: unknown; content?: unknown }[]).map((m) => ({
        role: String(m.role),
        content: String(m.content),
      }));
      const request: RecordedOpenAiRequest = {
        path,
        authorization: req.headers.authorization,
        model: body.model,
        messages,
        responseFormat:
          typeof body.response_format?.type === 'string' ? body.response_format.type : undefined,
        debtorMessage: debtorMessageOf(messages),
      };
      requests.push(request);
      const next = queue.shift() ?? model?.(request.debtorMessage, request) ?? openAiReplies.unsure;
      await answer(res, next, request);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    reply: (...replies) => queue.push(...replies),
    script: (scripted) => {
      model = scripted;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
