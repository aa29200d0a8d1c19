import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../../domain/errors.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * A predicate for routes that accept the API key among other credentials (web chat): true
 * when the request carries it as `Authorization: Bearer <key>` or `X-API-Key: <key>`, compared
 * in constant time (both sides hashed first so lengths leak nothing).
 */
export function apiKeyCheck(apiKey: string): (req: Request) => boolean {
  const expected = digest(apiKey);
  return (req) => {
    const header = req.get('authorization');
    const presented = header?.startsWith('Bearer ') ? header.slice(7) : req.get('x-api-key');
    return presented !== undefined && timingSafeEqual(digest(presented), expected);
  };
}

/** Requires the API key (see {@link apiKeyCheck}). */
export function requireApiKey(apiKey: string): RequestHandler {
  const hasApiKey = apiKeyCheck(apiKey);
  return (req, _res, next) => {
    next(hasApiKey(req) ? undefined : new AppError('unauthorized', 'missing or invalid API key'));
  };
}
