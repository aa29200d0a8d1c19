import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, type AppErrorCode } from '../../domain/errors.js';

/** The one table from error codes to HTTP statuses. */
const statusByCode: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  config_invalid: 500,
  flow_invalid: 500,
  store_unavailable: 503,
  internal: 500,
};

export function statusFor(code: AppErrorCode): number {
  return statusByCode[code];
}

/** Body of every error response: `{ error: { code, message, details? } }`. */
export function errorBody(
  code: string,
  message: string,
  details?: unknown,
): { error: { code: string; message: string; details?: unknown } } {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * The HTTP entry point's central error handler: AppErrors map through the table, zod errors
 * and body-parser errors are 400s, anything else is logged and answered as a 500 that leaks
 * nothing.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof AppError) {
      const status = statusFor(err.code);
      if (status >= 500) logger.error({ err, path: req.path }, 'http.error');
      res.status(status).json(errorBody(err.code, err.message, err.details));
      return;
    }
    if (err instanceof z.ZodError) {
      res.status(400).json(
        errorBody(
          'bad_request',
          'invalid request',
          err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        ),
      );
      return;
    }
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
        ? err.status
        : 500;
    if (status === 413) {
      res.status(413).json(errorBody('payload_too_large', 'request body too large'));
      return;
    }
    if (status >= 400 && status < 500) {
      res
        .status(status)
        .json(errorBody('bad_request', err instanceof Error ? err.message : 'bad request'));
      return;
    }
    logger.error({ err, path: req.path }, 'http.error');
    res.status(500).json(errorBody('internal', 'internal error'));
  };
}
