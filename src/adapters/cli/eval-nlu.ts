import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { fileURLToPath } from 'node:url';
import {
  evaluateNluWith,
  formatNluReport,
  loadNluDataset,
  runNluEval,
} from '../../app/eval-nlu.js';
import { LlmAssistedUnderstander } from '../../app/llm-understander.js';
import { loadConfig } from '../../config.js';
import { AppError } from '../../domain/errors.js';
import type { LanguageModel } from '../../ports/language-model.js';
import {
  readCassette,
  RecordingLanguageModel,
  ReplayLanguageModel,
  writeCassette,
} from '../llm/cassette.js';
import { CapsAndBreakerGuard } from '../llm/guard.js';
import { OpenAiLanguageModel } from '../llm/openai-model.js';
import { loadPrompts } from '../llm/prompts.js';

function parseRatio(value: string): number {
  const ratio = Number(value);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new InvalidArgumentError('expected a number between 0 and 1');
  }
  return ratio;
}

/**
 * Adds `eval nlu [--dir tests/nlu] [--json] [--min-accuracy 0.9] [--llm [--record f | --replay f]]`:
 * scores the rules understander (and with --llm, rules + the LLM fallback side by side) on the
 * labelled dataset and exits 1 when intent accuracy is below the minimum.
 */
export function registerEvalNlu(program: Command): void {
  const evalCommand =
    program.commands.find((command) => command.name() === 'eval') ??
    program.command('eval').description('evaluate components against labelled data');
  evalCommand
    .command('nlu')
    .description('score the rules understander on the labelled utterances')
    .option('--dir <dir>', 'directory of labelled YAML files', 'tests/nlu')
    .option('--json', 'print the report as JSON')
    .option('--min-accuracy <ratio>', 'exit 1 when intent accuracy is below this', parseRatio, 0.9)
    .option('--llm', 'also score rules + the LLM fallback (OPENAI_* settings, or --replay)')
    .option('--record <file>', 'with --llm: record the model answers into this cassette')
    .option('--replay <file>', 'with --llm: answer from this cassette, offline')
    .action(async (options: EvalOptions) => {
      if (options.llm === true) {
        await evalWithLlm(options);
        return;
      }
      const report = await runNluEval(options.dir);
      console.log(
        options.json === true ? JSON.stringify(report, null, 2) : formatNluReport(report),
      );
      if (report.intent.accuracy < options.minAccuracy) {
        console.error(
          `intent accuracy ${report.intent.accuracy} is below the minimum ${options.minAccuracy}`,
        );
        process.exitCode = 1;
      }
    });
}

interface EvalOptions {
  dir: string;
  json?: boolean;
  minAccuracy: number;
  llm?: boolean;
  record?: string;
  replay?: string;
}

/** Rules alone and rules + LLM side by side on the same dataset. */
async function evalWithLlm(options: EvalOptions): Promise<void> {
  const config = loadConfig(process.env);
  const root = config.contentDir ?? fileURLToPath(new URL('../../..', import.meta.url));
  let model: LanguageModel;
  let recording: RecordingLanguageModel | undefined;
  if (options.replay !== undefined) {
    model = new ReplayLanguageModel(await readCassette(options.replay));
  } else {
    if (config.llm === undefined) {
      throw new AppError(
        'config_invalid',
        'eval nlu --llm needs an endpoint (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL) or --replay <cassette>',
      );
    }
    model = new OpenAiLanguageModel(
      { apiKey: config.llm.apiKey, baseUrl: config.llm.baseUrl, model: config.llm.model },
      await loadPrompts(root),
    );
    if (options.record !== undefined) {
      recording = new RecordingLanguageModel(model, {
        source: `recorded from ${config.llm.model} at ${config.llm.baseUrl ?? 'https://api.openai.com/v1'}`,
        recordedAt: new Date().toISOString(),
        entries: {},
      });
      model = recording;
    }
  }
  const files = await loadNluDataset(options.dir);
  const rules = await runNluEval(options.dir);
  const understander = new LlmAssistedUnderstander(
    model,
    new CapsAndBreakerGuard({
      perConversation: Number.MAX_SAFE_INTEGER,
      perDay: Number.MAX_SAFE_INTEGER,
      breakerFailures: Number.MAX_SAFE_INTEGER,
      breakerCooldownMs: 1000,
    }),
    config.llm === undefined ? {} : { timeoutMs: config.llm.timeoutMs, price: config.llm.price },
  );
  const withLlm = await evaluateNluWith(files, understander);
  if (recording !== undefined && options.record !== undefined) {
    await writeCassette(options.record, recording.cassette);
  }
  if (options.json === true) {
    console.log(JSON.stringify({ rules, withLlm }, null, 2));
  } else {
    const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
    console.log(
      [
        `                 rules only   rules + LLM`,
        `intent accuracy  ${pct(rules.intent.accuracy).padStart(10)}   ${pct(withLlm.intent.accuracy).padStart(11)}`,
        `entity accuracy  ${pct(rules.entities.accuracy).padStart(10)}   ${pct(withLlm.entities.accuracy).padStart(11)}`,
        `model calls      ${withLlm.llm.calls} (${pct(withLlm.llm.share)} of ${withLlm.intent.total})`,
        `outcomes         ${JSON.stringify(withLlm.llm.byStatus)}`,
        `tokens           ${withLlm.llm.inputTokens} in, ${withLlm.llm.outputTokens} out; est. $${(withLlm.llm.costMicroUsd / 1e6).toFixed(4)}`,
        '',
        formatNluReport(withLlm),
      ].join('\n'),
    );
  }
  if (withLlm.intent.accuracy < options.minAccuracy) {
    console.error(
      `intent accuracy ${withLlm.intent.accuracy} is below the minimum ${options.minAccuracy}`,
    );
    process.exitCode = 1;
  }
}
