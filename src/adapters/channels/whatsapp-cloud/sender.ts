/**
 * Sends outbox messages through the WhatsApp Cloud API:
 * `POST {graph}/{version}/{phone-number-id}/messages` with the system-user token. Meta ships no
 * Node SDK, so this is a plain HTTP POST (see graph-post.ts). Provider errors become {@link SendResult} values:
 * throughput and pair-rate limits, 5xx, timeouts and connection errors are `retry`; everything
 * else (outside the 24-hour window, undeliverable, template errors, bad requests) is `failed`.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../../domain/errors.js';
import { renderWhatsApp } from '../../../domain/messaging/render-whatsapp.js';
import type { Clock } from '../../../ports/clock.js';
import type { ChannelSender, OutboundEnvelope, SendResult } from '../../../ports/channel.js';
import type { WhatsAppCloudConfig } from './config.js';
import { graphPoster, type GraphAnswer } from './graph-post.js';
import type { WhatsAppTemplateRegistry } from './templates.js';

export interface WhatsAppCloudSenderDeps {
  readonly config: Pick<
    WhatsAppCloudConfig,
    'token' | 'phoneNumberId' | 'graphBaseUrl' | 'apiVersion' | 'sendTimeoutMs'
  >;
  readonly logger: Logger;
  readonly clock: Clock;
  /** When given, template sends are checked against it before any call is made. */
  readonly templates?: WhatsAppTemplateRegistry | undefined;
}

/**
 * Graph error codes worth another try later: 1/2 (temporary API errors), 4/80007 (app and
 * account rate limits), 130429 (throughput), 131000 (something went wrong), 131016 (service
 * unavailable), 131056 (pair rate: one business number to one user), 133004 (server busy).
 */
const retryableCodes: ReadonlySet<number> = new Set([
  1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004,
]);

/** About one message per 6 s is allowed to the same user; wait that long when Meta says nothing. */
const pairRateWaitMs = 6000;

const SuccessSchema = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
const ErrorSchema = z.object({
  error: z.object({
    code: z.coerce.number().optional(),
    message: z.string().optional(),
    error_user_title: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
  }),
});

/** The WhatsApp Cloud {@link ChannelSender}. */
export function whatsAppCloudSender(deps: WhatsAppCloudSenderDeps): ChannelSender {
  const { config, clock, templates } = deps;
  const logger = deps.logger.child({ component: 'whatsapp-cloud' });
  const url = new URL(
    `${config.graphBaseUrl}/${config.apiVersion}/${config.phoneNumberId}/messages`,
  );
  const post = graphPoster();

  async function send(envelope: OutboundEnvelope): Promise<SendResult> {
    if (envelope.provider !== 'whatsapp-cloud') {
      throw new AppError('internal', `whatsapp-cloud sender got a ${envelope.provider} envelope`);
    }
    const result = await attempt(envelope);
    const log = { outboxId: envelope.outboxId, result: result.type };
    if (result.type === 'sent')
      logger.debug({ ...log, wamid: result.providerMessageId }, 'whatsapp.send.sent');
    else if (result.type === 'retry')
      logger.warn({ ...log, reason: result.reason }, 'whatsapp.send.retry');
    else if (result.type === 'uncertain')
      logger.warn({ ...log, reason: result.reason }, 'whatsapp.send.uncertain');
    else logger.warn({ ...log, code: result.code, reason: result.reason }, 'whatsapp.send.failed');
    return result;
  }

  async function attempt(envelope: OutboundEnvelope): Promise<SendResult> {
    const recipient = envelope.recipient.replace(/^\+/, '');
    if (!/^\d{6,15}$/.test(recipient)) {
      return {
        type: 'failed',
        reason: 'recipient is not a WhatsApp id',
        code: 'invalid_recipient',
      };
    }
    if (envelope.content.type === 'template' && templates !== undefined) {
      const check = templates.check(envelope.content);
      if (!check.ok) return { type: 'failed', reason: check.reason, code: 'template_unregistered' };
    }
    const rendered = renderWhatsApp(envelope.content, envelope.locale);
    if (!rendered.ok) return { type: 'failed', reason: rendered.reason, code: 'render_invalid' };

    let answer: GraphAnswer;
    try {
      answer = await post(
        url,
        { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
        JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: recipient,
          biz_opaque_callback_data: envelope.outboxId,
          ...rendered.body,
        }),
        config.sendTimeoutMs,
      );
    } catch (cause) {
      const isTimeout = errorField(cause, 'name') === 'TimeoutError';
      const reason = isTimeout ? 'timeout' : `network: ${describe(cause)}`;
      // A connection that never opened cannot have delivered anything: safe to retry. After a
      // timeout or a reset, Meta may have accepted the message; with no idempotency key, a
      // retry could deliver it twice, so the outcome is left for the status webhook.
      const code = errorField(cause, 'code');
      return !isTimeout &&
        /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(`${reason} ${code ?? ''}`)
        ? { type: 'retry', reason }
        : { type: 'uncertain', reason };
    }
    return interpret(answer);
  }

  function interpret(response: GraphAnswer): SendResult {
    const json = parseJson(response.text);
    if (response.status >= 200 && response.status < 300) {
      const success = SuccessSchema.safeParse(json);
      const id = success.success ? success.data.messages[0]?.id : undefined;
      // Accepted but unnamed: retrying could deliver twice, and no status could ever match it.
      return id === undefined
        ? { type: 'failed', reason: 'accepted without a message id', code: 'no_message_id' }
        : { type: 'sent', providerMessageId: id };
    }
    const error = ErrorSchema.safeParse(json);
    const code = error.success ? error.data.error.code : undefined;
    const detail = error.success
      ? (error.data.error.error_data?.details ?? error.data.error.message ?? '')
      : '';
    const reason = `http ${response.status}${code === undefined ? '' : ` code ${code}`}${detail === '' ? '' : `: ${detail.slice(0, 300)}`}`;
    const isRetryable =
      response.status === 429 ||
      response.status >= 500 ||
      (code !== undefined && retryableCodes.has(code));
    if (isRetryable) {
      const retryAfterMs =
        parseRetryAfter(response.retryAfter, clock.now()) ??
        (code === 131056 ? pairRateWaitMs : undefined);
      return retryAfterMs === undefined
        ? { type: 'retry', reason }
        : { type: 'retry', reason, retryAfterMs };
    }
    return {
      type: 'failed',
      reason,
      code: code === undefined ? `http_${response.status}` : String(code),
    };
  }

  return { provider: 'whatsapp-cloud', send };
}

/** Retry-After as delta seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorField(value: unknown, field: 'name' | 'message' | 'code'): string | undefined {
  if (typeof value !== 'object' || value === null || !(field in value)) return undefined;
  const found: unknown = (value as Record<string, unknown>)[field];
  return typeof found === 'string' ? found : undefined;
}

/** "connect ECONNREFUSED 127.0.0.1:9", from the socket's error. */
function describe(cause: unknown): string {
  return (errorField(cause, 'message') ?? String(cause)).slice(0, 200);
}
