/**
 * The one error type for bugs and infrastructure failures. Expected outcomes (a rejected row,
 * a plan below the minimum) are values, never exceptions. Only the HTTP adapter maps `code`
 * to a status, from one table.
 */
export type AppErrorCode =
  | 'config_invalid'
  | 'not_found'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'store_unavailable'
  | 'flow_invalid'
  | 'internal';

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: unknown;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { cause?: unknown; details?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }
}

/** For exhaustive switches: a compile error where a union member is not handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new AppError('internal', `unexpected ${what}: ${JSON.stringify(value)}`);
}
