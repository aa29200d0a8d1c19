/**
 * Sends outbox rows as SMS through Twilio's Messages API with the official twilio client. The
 * client's HTTP layer is twilio's own RequestClient, subclassed to (a) route requests to
 * TWILIO_API_BASE_URL when set, the way Twilio's maintainers suggest for pointing the SDK at a
 * mock (twilio-node#326), and (b) keep the Retry-After of a 429, which the SDK's RestException
 * drops. Everything else (form encoding, basic auth, error parsing) is the SDK's. Each send's
 * StatusCallback carries its outbox id, so a row whose answer was lost can still be reconciled.
 */
import type { Logger } from 'pino';
import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient.js';
import type * as TwilioResponse from 'twilio/lib/http/response.js';
import { renderSms, toGsmFriendly } from '../../../domain/messaging/render-sms.js';
import type { ChannelSender, OutboundEnvelope, SendResult } from '../../../ports/channel.js';
import { statusCallbackUrlFor } from './callback-url.js';
import type { TwilioSmsConfig } from './config.js';

/** Twilio error codes the outbox treats specially. */
export const twilioErrorCodes = {
  /** The recipient replied STOP: Twilio refuses every send until they reply START. */
  unsubscribed: 21610,
  invalidToNumber: 21211,
  notMobileNumber: 21614,
  tooManyRequests: 20429,
} as const;

/** A 429 seen by the HTTP layer, with how long Twilio asked us to wait. */
class TwilioRateLimited extends Error {
  override readonly name = 'TwilioRateLimited';
  constructor(
    readonly retryAfterMs: number | undefined,
    readonly twilioCode: number | undefined,
  ) {
    super('Twilio answered 429');
  }
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value: unknown = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from `now`. */
export function retryAfterMsOf(value: string | undefined, now: Date): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

function codeOf(body: unknown): number | undefined {
  const parsed: unknown = typeof body === 'string' ? safeJson(body) : body;
  if (typeof parsed !== 'object' || parsed === null || !('code' in parsed)) return undefined;
  return typeof parsed.code === 'number' ? parsed.code : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Moves an api.twilio.com URL onto `baseUrl`, keeping its path and query. */
export function rebaseTwilioUrl(uri: string, baseUrl: string): string {
  const target = new URL(uri);
  return `${baseUrl.replace(/\/+$/, '')}${target.pathname}${target.search}`;
}

class CuotaRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string | undefined,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs });
  }

  override async request<TData>(
    opts: TwilioRequestClient.RequestOptions<TData>,
  ): Promise<TwilioResponse.default<TData>> {
    const uri = this.baseUrl === undefined ? opts.uri : rebaseTwilioUrl(opts.uri, this.baseUrl);
    const response = await super.request({ ...opts, uri });
    if (response.statusCode === 429) {
      throw new TwilioRateLimited(
        retryAfterMsOf(headerOf(response.headers, 'retry-after'), new Date()),
        codeOf(response.body),
      );
    }
    return response;
  }
}

function isRestException(error: unknown): error is InstanceType<typeof twilio.RestException> {
  return error instanceof twilio.RestException;
}

/** Connection errors that prove the request never reached Twilio: safe to send again. */
const neverReached = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** axios throws (rather than answers) only when no HTTP response came: refused, reset, timed out. */
function transportErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('isAxiosError' in error)) return undefined;
  if (error.isAxiosError !== true) return undefined;
  return 'code' in error && typeof error.code === 'string' ? error.code : 'unknown';
}

/** A send Twilio did not accept. */
export type NotSent = Exclude<SendResult, { readonly type: 'sent' }>;

/**
 * Twilio's answer -> SendResult: 429/20429, 5xx and connections that never reached Twilio are
 * retried; 21610 (unsubscribed), 21211/21614 (not a valid mobile number) and every other 4xx
 * fail for good, carrying Twilio's code. A timeout or a connection lost mid-request is
 * `uncertain`: Twilio may have created the message, and its status callback (which echoes our
 * outbox id) reconciles the row instead of a blind resend. Undefined for anything else: a bug.
 */
export function classifyTwilioError(error: unknown): NotSent | undefined {
  if (error instanceof TwilioRateLimited) {
    return { type: 'retry', reason: 'rate_limited', retryAfterMs: error.retryAfterMs };
  }
  if (isRestException(error)) {
    const code = typeof error.code === 'number' ? error.code : undefined;
    if (error.status === 429 || code === twilioErrorCodes.tooManyRequests) {
      return { type: 'retry', reason: 'rate_limited' };
    }
    if (error.status >= 500) return { type: 'retry', reason: `twilio_${error.status}` };
    const shown = String(code ?? error.status);
    if (code === twilioErrorCodes.unsubscribed) {
      return { type: 'failed', reason: 'recipient_unsubscribed', code: shown };
    }
    if (code === twilioErrorCodes.invalidToNumber || code === twilioErrorCodes.notMobileNumber) {
      return { type: 'failed', reason: 'invalid_number', code: shown };
    }
    return { type: 'failed', reason: 'rejected', code: shown };
  }
  const transport = transportErrorCode(error);
  if (transport === undefined) return undefined;
  return neverReached.has(transport)
    ? { type: 'retry', reason: `network_${transport}` }
    : { type: 'uncertain', reason: `network_${transport}` };
}

export interface TwilioSmsSenderDeps {
  readonly config: Pick<
    TwilioSmsConfig,
    'accountSid' | 'authToken' | 'sender' | 'statusCallbackUrl' | 'apiBaseUrl' | 'sendTimeoutMs'
  >;
  readonly logger: Logger;
  /** Plain-text template bodies for SMS (see renderSms); none by default. */
  readonly templates?: Readonly<Record<string, string>> | undefined;
  /** Replace typographic quotes and dashes so GSM-7 texts stay GSM-7; on by default. */
  readonly isGsmFriendly?: boolean | undefined;
}

const e164 = /^\+[1-9]\d{1,14}$/;

/** The Twilio SMS {@link ChannelSender}. Never throws for what Twilio answers. */
export function createTwilioSmsSender(deps: TwilioSmsSenderDeps): ChannelSender {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'twilio-sms' });
  const client = twilio(config.accountSid, config.authToken, {
    httpClient: new CuotaRequestClient(config.apiBaseUrl, config.sendTimeoutMs),
    autoRetry: false,
  });
  const from =
    config.sender.kind === 'number'
      ? { from: config.sender.from }
      : { messagingServiceSid: config.sender.messagingServiceSid };

  return {
    provider: 'twilio-sms',
    async send(envelope: OutboundEnvelope): Promise<SendResult> {
      if (!e164.test(envelope.recipient)) {
        return { type: 'failed', reason: 'invalid_recipient' };
      }
      const rendered = renderSms(envelope.content, {
        locale: envelope.locale,
        templates: deps.templates,
      });
      if (!rendered.ok) {
        logger.warn(
          { outboxId: envelope.outboxId, reason: rendered.reason },
          'twilio.send.unrenderable',
        );
        return { type: 'failed', reason: `render_${rendered.reason}` };
      }
      const body = deps.isGsmFriendly === false ? rendered.text : toGsmFriendly(rendered.text);
      try {
        const message = await client.messages.create({
          to: envelope.recipient,
          body,
          statusCallback: statusCallbackUrlFor(config.statusCallbackUrl, envelope.outboxId),
          ...from,
        });
        return { type: 'sent', providerMessageId: message.sid };
      } catch (error: unknown) {
        const result = classifyTwilioError(error);
        if (result === undefined) throw error;
        logger.warn(
          { outboxId: envelope.outboxId, result: result.type, reason: result.reason },
          'twilio.send.not_sent',
        );
        return result;
      }
    },
  };
}
