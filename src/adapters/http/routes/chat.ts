import express, { Router } from 'express';
import { z } from 'zod';
import {
  handleDebtorMessage,
  openConversation,
  type ConversationDeps,
  type TurnOutcome,
} from '../../../app/conversations.js';
import { AppError } from '../../../domain/errors.js';
import type { ConversationId } from '../../../domain/model.js';
import type { Clock } from '../../../ports/clock.js';
import { apiKeyCheck } from '../auth.js';
import type { TokenSigner } from '../tokens.js';

export interface ChatDeps {
  readonly conversations: ConversationDeps;
  readonly clock: Clock;
  readonly apiKey: string;
  /** Signs the session tokens a debtor's browser holds. */
  readonly sessions: TokenSigner;
  /** Verifies debtor links sent on other channels. */
  readonly links: TokenSigner;
  /** Demo mode: sessions on DEMO-* accounts may be opened without a key (never in production). */
  readonly isDemo: boolean;
}

const SESSION_TTL_SECONDS = 24 * 3600;

const OpenSessionBody = z.union([
  z.object({ accountRef: z.string().min(1).max(200) }).strict(),
  z.object({ token: z.string().min(10).max(2000) }).strict(),
]);

const MessageBody = z
  .object({
    text: z.string().trim().min(1, 'text is empty').max(4096),
    /** A client-chosen id; sending the same id again (a retry) is answered without a second turn. */
    clientMessageId: z.string().min(1).max(200).optional(),
  })
  .strict();

function publicTurn(outcome: TurnOutcome): Record<string, unknown> {
  return {
    conversationId: outcome.conversationId,
    duplicate: outcome.isDuplicate,
    replies: outcome.replies.map((r) => ({ text: r.text, options: r.options ?? [] })),
    owner: outcome.owner,
  };
}

/**
 * Web chat: open a session (with the API key, a signed debtor link, or a demo account in demo
 * mode) and exchange messages. Debtors' browsers authenticate with the session token the
 * opening call returns; it is bound to one conversation.
 */
export function chatRouter(deps: ChatDeps): Router {
  const router = Router();
  const hasApiKey = apiKeyCheck(deps.apiKey);
  router.use(express.json({ limit: '16kb' }));

  router.post('/sessions', async (req, res) => {
    const body = OpenSessionBody.parse(req.body);
    const now = deps.clock.now().getTime();
    let accountRef: string;
    if ('token' in body) {
      const link = deps.links.verify(body.token, now);
      if (link === undefined || typeof link.accountRef !== 'string')
        throw new AppError('unauthorized', 'invalid or expired link');
      accountRef = link.accountRef;
    } else {
      const isDemoAccount = deps.isDemo && body.accountRef.startsWith('DEMO-');
      if (!isDemoAccount && !hasApiKey(req))
        throw new AppError('unauthorized', 'missing or invalid API key');
      accountRef = body.accountRef;
    }
    const conversationId = await openConversation(deps.conversations, {
      accountRef,
      channel: 'web',
    });
    const token = deps.sessions.sign({ conversationId }, SESSION_TTL_SECONDS, now);
    res
      .status(201)
      .json({ sessionId: conversationId, token, expiresInSeconds: SESSION_TTL_SECONDS });
  });

  router.post('/sessions/:id/messages', async (req, res) => {
    const id = req.params.id as ConversationId;
    const header = req.get('authorization');
    const session = header?.startsWith('Bearer ')
      ? deps.sessions.verify(header.slice(7), deps.clock.now().getTime())
      : undefined;
    if (session?.conversationId !== id && !hasApiKey(req))
      throw new AppError('unauthorized', 'missing or invalid session token');
    const body = MessageBody.parse(req.body);
    const outcome = await handleDebtorMessage(deps.conversations, {
      conversationId: id,
      text: body.text,
      providerMessageId:
        body.clientMessageId === undefined ? undefined : `web:${body.clientMessageId}`,
    });
    res.json(publicTurn(outcome));
  });

  return router;
}
