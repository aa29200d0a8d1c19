import pino, { type Logger } from 'pino';

/**
 * Paths pino redacts wherever they appear in a log object: phone numbers, names, document ids,
 * message bodies and credentials. Logs carry event names and ids, never a debtor's data.
 */
export const redactedPaths = [
  'phone',
  '*.phone',
  'e164',
  '*.e164',
  'to',
  '*.to',
  'from',
  '*.from',
  'name',
  '*.name',
  'debtorName',
  '*.debtorName',
  'documentId',
  '*.documentId',
  'document_id',
  '*.document_id',
  'email',
  '*.email',
  'body',
  '*.body',
  'text',
  '*.text',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'password',
  '*.password',
  'databaseUrl',
  '*.databaseUrl',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'cuota' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

export type { Logger };
