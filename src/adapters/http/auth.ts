import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Requires the API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`, compared in
 * constant time (both sides hashed first so lengths leak nothing).
 */
export function requireApiKey(apiKey: string): RequestHandler {
  const expected = digest(apiKey);
  return (req, _res, next) => {
    const header = req.get('authorization');
    const presented = header?.startsWith('Bearer ') ? header.slice(7) : req.get('x-api-key');
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      next(new AppError('unauthorized', 'missing or invalid API key'));
      return;
    }
    next();
  };
}
