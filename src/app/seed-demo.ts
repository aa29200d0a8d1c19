import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.js';

/** Loads the demo portfolio when the store has no accounts (being written). */
export async function loadDemoPortfolioIfEmpty(_deps: {
  db: unknown;
  logger: Logger;
  defaults: { country: string; timeZone: string; locale: string };
  clock: Clock;
}): Promise<number> {
  return Promise.resolve(0);
}
