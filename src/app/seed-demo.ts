import type { Logger } from 'pino';
import { localDateIn } from '../domain/dates.js';
import type { RegionDefaults } from '../domain/portfolio/row.js';
import type { Clock } from '../ports/clock.js';
import type { PortfolioStore } from '../ports/portfolio-store.js';
import { demoPortfolioColumns, generateDemoPortfolio } from './demo-portfolio.js';
import { importPortfolio, type SourceRecord } from './import-portfolio.js';

/** Accounts in the demo portfolio loaded on first start. */
export const demoAccountCount = 300;

/**
 * Loads the demo portfolio (see demo-portfolio.ts for its well-known accounts, DEMO-0001...)
 * when the store has no accounts, through the same import pipeline as a file, with due dates
 * relative to today in the operator's zone so aging stays realistic. Returns the accounts
 * inserted (0 when the store already had some).
 */
export async function loadDemoPortfolioIfEmpty(deps: {
  store: PortfolioStore;
  logger: Logger;
  defaults: RegionDefaults;
  clock: Clock;
}): Promise<number> {
  if ((await deps.store.countAccounts()) > 0) return 0;
  const asOf = localDateIn(deps.clock.now(), deps.defaults.timeZone);
  const rows = generateDemoPortfolio({ accounts: demoAccountCount, seed: 20_240_601, asOf });
  const chunk: SourceRecord[] = [{ line: 1, fields: [...demoPortfolioColumns] }];
  for (const fields of rows) chunk.push({ line: chunk.length + 1, fields });
  const outcome = await importPortfolio(deps, { source: 'demo', delimiter: ',', records: [chunk] });
  if (!outcome.ok) {
    deps.logger.error({ reason: outcome.reason }, 'demo.load_failed');
    return 0;
  }
  if (outcome.counts.rejected > 0)
    deps.logger.warn({ rejected: outcome.counts.rejected }, 'demo.rows_rejected');
  return outcome.counts.inserted;
}
