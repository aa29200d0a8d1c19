import type { PortfolioRow } from '../domain/portfolio/row.js';

/** What one batch did to the portfolio. Every row of the batch is in exactly one count. */
export interface BatchOutcome {
  /** Rows whose account did not exist. */
  readonly inserted: number;
  /** Rows whose account, debtor or contact points changed. */
  readonly updated: number;
  /** Rows that changed nothing. */
  readonly unchanged: number;
}

/** Counts of one import run; `read` = inserted + updated + unchanged + rejected. */
export interface ImportCounts {
  readonly read: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
}

/**
 * Where imported portfolios land. Each batch is written atomically; a run is recorded from
 * start to finish in the store's import history.
 */
export interface PortfolioStore {
  /**
   * How many batches may be written at once (1 on a single-connection store). The importer
   * sends all rows of one debtor through the same sequence of batches, so concurrent batches
   * never touch the same debtor, contact point or account, and later lines still win.
   */
  readonly parallelism: number;
  /** Records a run as started and returns its id. `source` names the file or origin. */
  startImport(source: string): Promise<string>;
  /**
   * Upserts a batch in one transaction: debtors by `debtorRef`, accounts by `accountRef`,
   * contact points added; a changed balance is audited (actor 'import', action
   * 'balance_changed', data { from, to, currency, importId } in minor units). Account refs
   * are unique within a batch. Blank optional values keep what is stored.
   */
  writeBatch(importId: string, rows: readonly PortfolioRow[]): Promise<BatchOutcome>;
  /** Records how a run ended; `summary` is kept as JSON. */
  finishImport(
    importId: string,
    result: {
      readonly status: 'finished' | 'failed';
      readonly counts: ImportCounts;
      readonly summary: Readonly<Record<string, unknown>>;
    },
  ): Promise<void>;
  /** How many accounts the store holds. */
  countAccounts(): Promise<number>;
}
