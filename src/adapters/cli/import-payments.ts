import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import {
  csvImportSource,
  importPayments,
  type PaymentImportOutcome,
} from '../../app/import-payments.js';
import { loadConfig } from '../../config.js';
import { loadContent, openStore } from '../../main.js';
import { readPortfolioCsv } from '../csv/read-portfolio-csv.js';
import { createLogger } from '../logger.js';
import { createPaymentStore } from '../postgres/payment-store.js';
import { systemClock } from '../system-clock.js';
import { RejectsFile } from './import.js';

const number = new Intl.NumberFormat('en-US');

function describeOutcome(
  file: string,
  outcome: PaymentImportOutcome,
  rejects: RejectsFile,
): string {
  if (!outcome.ok) return `cuota import-payments: ${file}: ${outcome.message}; nothing applied\n`;
  const { counts } = outcome;
  const lines = [
    `imported payments from ${file} (${outcome.details.encoding ?? 'utf-8'}, decimal ${outcome.decimalStyle})`,
    `  read ${number.format(counts.read)}  applied ${number.format(counts.applied)}  already applied ${number.format(counts.replayed)}  rejected ${number.format(counts.rejected)}`,
  ];
  if (outcome.ignoredColumns.length > 0)
    lines.push(`  ignored columns: ${outcome.ignoredColumns.join(', ')}`);
  if (counts.rejected > 0)
    lines.push(
      `  rejects: ${rejects.file} (${number.format(counts.rejected)} rows, ${number.format(rejects.count)} problems)`,
    );
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `cuota import-payments <file>` and returns the exit code: 0 when rows could be read (even
 * if some were rejected), 1 when nothing could be (no such file, no header, a missing column,
 * no rows).
 */
export async function runImportPayments(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
  } catch (err) {
    process.stderr.write(
      `cuota import-payments: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, pino.destination(2));
  const content = await loadContent(config);
  const db = await openStore(config, logger);
  const rejects = new RejectsFile(`${file}.rejects.csv`);
  try {
    const input = await readPortfolioCsv(
      createReadStream(file, { highWaterMark: 1 << 16 }),
      path.basename(file),
    );
    const outcome = await importPayments(
      {
        store: createPaymentStore(db),
        clock: systemClock,
        graceDays: content.policy.promiseGraceDays,
      },
      input,
      { onReject: (reject) => rejects.write(reject) },
    );
    await rejects.close();
    const report = describeOutcome(file, outcome, rejects);
    if (outcome.ok) process.stdout.write(report);
    else process.stderr.write(report);
    return outcome.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

/** Registers `cuota import-payments <file.csv>`. */
export function registerImportPayments(program: Command): void {
  program
    .command('import-payments')
    .description(
      'apply a payments CSV (external_id, account_ref, amount, currency, paid_at; optional method, reference): ' +
        `each row once, by external_id, audited as '${csvImportSource}'; rejected rows with reasons go to <file>.rejects.csv`,
    )
    .argument('<file>', 'CSV file (UTF-8 or Windows-1252; comma, semicolon or tab delimited)')
    .action(async (file: string) => {
      process.exitCode = await runImportPayments(file);
    });
}
