import pino from 'pino';

export const silentLogger = pino({ level: 'silent' });

/** One template database per test run (scripts/test.js sets CUOTA_TEST_RUN for all workers). */
export function templateName(): string {
  return `cuota_test_${process.env.CUOTA_TEST_RUN ?? 'local'}`;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
