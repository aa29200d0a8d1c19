/**
 * Evaluates the rules understander (or the rules with the LLM fallback) against the labelled utterances under tests/nlu/*.yaml:
 * intent accuracy overall and per file, per-intent precision and recall, entity accuracy on
 * the labelled entities, and every miss, so a lexicon change shows its cost before it ships.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { isCurrencyCode } from '../domain/money.js';
import { understandByRules } from '../domain/understanding/rules-understander.js';
import type { Intent, Understanding, UnderstandingContext } from '../domain/understanding/types.js';
import { intents } from '../domain/understanding/types.js';
import type { Understander } from '../ports/understander.js';

const EntityLabelsSchema = z
  .object({
    date: z.union([z.literal('vague'), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)]).optional(),
    amount: z.number().int().nonnegative().optional(),
    installmentCount: z.number().int().positive().optional(),
    digits: z.string().regex(/^\d+$/).optional(),
  })
  .strict();

const NluItemSchema = z
  .object({
    text: z.string().min(1),
    intent: z.enum(intents),
    locale: z.string().optional(),
    entities: EntityLabelsSchema.optional(),
  })
  .strict();

const NluFileSchema = z
  .object({
    now: z.iso.datetime(),
    timeZone: z.string().min(1),
    locale: z.string().min(2),
    currency: z.string().refine(isCurrencyCode, 'not an ISO 4217 currency code'),
    items: z.array(NluItemSchema).min(1),
  })
  .strict();

/** One labelled utterance. */
export type NluItem = z.infer<typeof NluItemSchema>;
/** A dataset file: shared context plus its items. */
export type NluFile = z.infer<typeof NluFileSchema> & { readonly name: string };
type EntityLabels = z.infer<typeof EntityLabelsSchema>;

/** An utterance the understander got wrong (intent, or a labelled entity). */
export interface NluMiss {
  readonly file: string;
  readonly text: string;
  readonly expected: Intent;
  readonly actual: Intent;
  readonly confidence: number;
  /** Labelled entities that did not match, as `name: expected != actual`. */
  readonly entityErrors: readonly string[];
}

/** Accuracy of one slice of the dataset. */
export interface Accuracy {
  readonly correct: number;
  readonly total: number;
  readonly accuracy: number;
}

/** What {@link evaluateNlu} measures. */
export interface NluReport {
  readonly intent: Accuracy;
  readonly byFile: Readonly<Record<string, Accuracy>>;
  readonly byIntent: Readonly<
    Record<
      string,
      { readonly precision: number; readonly recall: number; readonly support: number }
    >
  >;
  /** Exact match per labelled entity value (each labelled key counts once). */
  readonly entities: Accuracy;
  readonly misses: readonly NluMiss[];
  /** Mean wall time per message in milliseconds, measured after one warm-up pass. */
  readonly msPerMessage: number;
}

/** Reads and validates every `*.yaml` file in `dir`; throws listing the file and the problem. */
export async function loadNluDataset(dir: string): Promise<NluFile[]> {
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const files: NluFile[] = [];
  for (const name of names) {
    const raw: unknown = parse(await readFile(path.join(dir, name), 'utf8'));
    const parsed = NluFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.')}: ${issue.message}`,
      );
      throw new Error(`${path.join(dir, name)}: ${issues.join('; ')}`);
    }
    files.push({ ...parsed.data, name: name.replace(/\.ya?ml$/, '') });
  }
  return files;
}

function ratio(correct: number, total: number): number {
  return total === 0 ? 1 : Math.round((correct / total) * 10000) / 10000;
}

function entityErrors(labels: EntityLabels | undefined, result: Understanding): string[] {
  if (!labels) return [];
  const errors: string[] = [];
  const { entities } = result;
  if (labels.date !== undefined) {
    const actual =
      entities.date === undefined
        ? 'none'
        : entities.date.kind === 'vague'
          ? 'vague'
          : entities.date.date;
    if (actual !== labels.date) errors.push(`date: ${labels.date} != ${actual}`);
  }
  if (labels.amount !== undefined && entities.amount?.amount !== labels.amount) {
    errors.push(`amount: ${labels.amount} != ${entities.amount?.amount ?? 'none'}`);
  }
  if (
    labels.installmentCount !== undefined &&
    entities.installmentCount !== labels.installmentCount
  ) {
    errors.push(
      `installmentCount: ${labels.installmentCount} != ${entities.installmentCount ?? 'none'}`,
    );
  }
  if (labels.digits !== undefined && entities.digits !== labels.digits) {
    errors.push(`digits: ${labels.digits} != ${entities.digits ?? 'none'}`);
  }
  return errors;
}

function contextFor(file: NluFile, item: NluItem): UnderstandingContext {
  return {
    now: new Date(file.now),
    timeZone: file.timeZone,
    locale: item.locale ?? file.locale,
    currency: file.currency,
  };
}

/** Runs the rules understander over the dataset and scores it. */
export function evaluateNlu(files: readonly NluFile[]): NluReport {
  for (const file of files)
    for (const item of file.items) understandByRules(item.text, contextFor(file, item));
  const results: Understanding[][] = [];
  const started = { count: 0, ms: 0 };
  for (const file of files) {
    const row: Understanding[] = [];
    for (const item of file.items) {
      const t0 = performance.now();
      row.push(understandByRules(item.text, contextFor(file, item)));
      started.ms += performance.now() - t0;
      started.count += 1;
    }
    results.push(row);
  }
  return scoreNlu(files, results, started);
}

/** How the LLM fallback was used over a dataset (see {@link evaluateNluWith}). */
export interface NluLlmUsage {
  /** Messages the model was asked about, and their share of all messages. */
  readonly calls: number;
  readonly share: number;
  /** How each consultation ended (used, agreed, rejected, failed, timeout, skipped_*). */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costMicroUsd: number;
}

/**
 * Scores any {@link Understander} on the dataset (the rules with the LLM fallback, on a live
 * endpoint or replaying a cassette), with how often and at what cost the model was used.
 */
export async function evaluateNluWith(
  files: readonly NluFile[],
  understander: Understander,
): Promise<NluReport & { readonly llm: NluLlmUsage }> {
  const results: Understanding[][] = [];
  const started = { count: 0, ms: 0 };
  const byStatus: Record<string, number> = {};
  let calls = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let costMicroUsd = 0;
  for (const file of files) {
    const row: Understanding[] = [];
    for (const item of file.items) {
      const t0 = performance.now();
      const result = await understander.understand(item.text, contextFor(file, item));
      started.ms += performance.now() - t0;
      started.count += 1;
      row.push(result);
      const trace = result.llm;
      if (trace === undefined) continue;
      byStatus[trace.status] = (byStatus[trace.status] ?? 0) + 1;
      if (!trace.status.startsWith('skipped')) calls += 1;
      inputTokens += trace.inputTokens ?? 0;
      outputTokens += trace.outputTokens ?? 0;
      costMicroUsd += trace.costMicroUsd ?? 0;
    }
    results.push(row);
  }
  return {
    ...scoreNlu(files, results, started),
    llm: {
      calls,
      share: ratio(calls, started.count),
      byStatus,
      inputTokens,
      outputTokens,
      costMicroUsd,
    },
  };
}

function scoreNlu(
  files: readonly NluFile[],
  results: readonly (readonly Understanding[])[],
  started: { count: number; ms: number },
): NluReport {
  const byFile: Record<string, Accuracy> = {};
  const tally = new Map<Intent, { tp: number; fp: number; fn: number }>();
  const bump = (intent: Intent, key: 'tp' | 'fp' | 'fn'): void => {
    const row = tally.get(intent) ?? { tp: 0, fp: 0, fn: 0 };
    row[key] += 1;
    tally.set(intent, row);
  };
  const misses: NluMiss[] = [];
  let correct = 0;
  let total = 0;
  let entityCorrect = 0;
  let entityTotal = 0;
  for (const [fileIndex, file] of files.entries()) {
    let fileCorrect = 0;
    for (const [itemIndex, item] of file.items.entries()) {
      const result = results[fileIndex]?.[itemIndex];
      if (result === undefined) throw new Error(`no result for ${file.name} item ${itemIndex}`);
      const isRight = result.intent === item.intent;
      if (isRight) {
        fileCorrect += 1;
        bump(item.intent, 'tp');
      } else {
        bump(item.intent, 'fn');
        bump(result.intent, 'fp');
      }
      const errors = entityErrors(item.entities, result);
      const labelled = Object.keys(item.entities ?? {}).length;
      entityTotal += labelled;
      entityCorrect += labelled - errors.length;
      if (!isRight || errors.length > 0) {
        misses.push({
          file: file.name,
          text: item.text,
          expected: item.intent,
          actual: result.intent,
          confidence: result.confidence,
          entityErrors: errors,
        });
      }
    }
    byFile[file.name] = {
      correct: fileCorrect,
      total: file.items.length,
      accuracy: ratio(fileCorrect, file.items.length),
    };
    correct += fileCorrect;
    total += file.items.length;
  }
  const byIntent: Record<string, { precision: number; recall: number; support: number }> = {};
  for (const intent of intents) {
    const row = tally.get(intent);
    if (!row) continue;
    byIntent[intent] = {
      precision: ratio(row.tp, row.tp + row.fp),
      recall: ratio(row.tp, row.tp + row.fn),
      support: row.tp + row.fn,
    };
  }
  return {
    intent: { correct, total, accuracy: ratio(correct, total) },
    byFile,
    byIntent,
    entities: {
      correct: entityCorrect,
      total: entityTotal,
      accuracy: ratio(entityCorrect, entityTotal),
    },
    misses,
    msPerMessage: started.count === 0 ? 0 : Math.round((started.ms / started.count) * 1000) / 1000,
  };
}

/** Loads the dataset in `dir` and evaluates it. */
export async function runNluEval(dir: string): Promise<NluReport> {
  return evaluateNlu(await loadNluDataset(dir));
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** Renders a report for a terminal. */
export function formatNluReport(report: NluReport): string {
  const lines: string[] = [];
  lines.push(
    `intent accuracy  ${percent(report.intent.accuracy)} (${report.intent.correct}/${report.intent.total})`,
    `entity accuracy  ${percent(report.entities.accuracy)} (${report.entities.correct}/${report.entities.total})`,
    `time per message ${report.msPerMessage} ms`,
    '',
    'by file',
  );
  for (const [name, accuracy] of Object.entries(report.byFile)) {
    lines.push(
      `  ${name.padEnd(12)} ${percent(accuracy.accuracy).padStart(6)} (${accuracy.correct}/${accuracy.total})`,
    );
  }
  lines.push('', 'by intent           precision  recall  support');
  for (const [intent, row] of Object.entries(report.byIntent)) {
    lines.push(
      `  ${intent.padEnd(18)} ${percent(row.precision).padStart(9)} ${percent(row.recall).padStart(7)} ${String(row.support).padStart(8)}`,
    );
  }
  if (report.misses.length > 0) {
    lines.push('', 'misses');
    for (const miss of report.misses) {
      const entity = miss.entityErrors.length > 0 ? ` [${miss.entityErrors.join('; ')}]` : '';
      const intent =
        miss.expected === miss.actual
          ? miss.actual
          : `${miss.expected} -> ${miss.actual} (${miss.confidence})`;
      lines.push(`  ${miss.file}: "${miss.text}" ${intent}${entity}`);
    }
  }
  return lines.join('\n');
}
