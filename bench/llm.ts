/**
 * bench:llm — the LLM fallback on the labelled NLU dataset (tests/nlu), against the local
 * OpenAI-compatible stand-in through the real `openai` client and the LangChain prompt path:
 *
 * - the share of messages that reach the model (target: at most 20%);
 * - the latency the fallback adds per model turn beyond the model's own time (target: at most
 *   20 ms), with the stand-in taking BENCH_LLM_MODEL_MS (default 40 ms) to answer;
 * - tokens per model turn and the cost per 1,000 turns at CUOTA_LLM_PRICE_* (gpt-4o-mini's
 *   list price by default);
 * - intent accuracy, rules alone and rules + LLM, replaying the cassette recorded in this run.
 *
 * The stand-in is not a model: it answers "unknown, low confidence" to everything, so the
 * rules + LLM accuracy here equals the rules' and the cassette it records
 * (tests/nlu/cassettes/stand-in.json) measures the plumbing, not a model. Record a real one with
 * `cuota eval nlu --llm --record <file>` against a real endpoint.
 *
 *   npm run bench:llm
 */
import path from 'node:path';
import { CapsAndBreakerGuard } from '../src/adapters/llm/guard.js';
import {
  readCassette,
  RecordingLanguageModel,
  ReplayLanguageModel,
  writeCassette,
} from '../src/adapters/llm/cassette.js';
import { OpenAiLanguageModel } from '../src/adapters/llm/openai-model.js';
import { loadPrompts } from '../src/adapters/llm/prompts.js';
import { evaluateNlu, evaluateNluWith, loadNluDataset } from '../src/app/eval-nlu.js';
import { costMicroUsd, LlmAssistedUnderstander } from '../src/app/llm-understander.js';
import { screenForInjection } from '../src/domain/llm/injection.js';
import { toCurrencyCode } from '../src/domain/money.js';
import { understandByRules } from '../src/domain/understanding/rules-understander.js';
import { packageRoot } from '../src/main.js';
import type { LanguageModel } from '../src/ports/language-model.js';
import { startOpenAiApi } from '../tests/support/stand-ins/openai-api.js';
import { recordBenchmark } from './support/report.js';

const modelMs = Number(process.env.BENCH_LLM_MODEL_MS ?? 40);
const price = {
  inputPerMillion: Number(process.env.CUOTA_LLM_PRICE_INPUT_PER_MTOK ?? 0.15),
  outputPerMillion: Number(process.env.CUOTA_LLM_PRICE_OUTPUT_PER_MTOK ?? 0.6),
};
const cassetteFile = path.join(packageRoot, 'tests/nlu/cassettes/stand-in.json');

function guard(): CapsAndBreakerGuard {
  const unlimited = Number.MAX_SAFE_INTEGER;
  return new CapsAndBreakerGuard({
    perConversation: unlimited,
    perDay: unlimited,
    breakerFailures: unlimited,
    breakerCooldownMs: 1000,
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const files = await loadNluDataset(path.join(packageRoot, 'tests/nlu'));
  const prompts = await loadPrompts(packageRoot);
  const api = await startOpenAiApi();
  api.script(() => ({
    type: 'delayed',
    ms: modelMs,
    reply: { type: 'json', body: { intent: 'unknown', confidence: 0.1, entities: {} } },
  }));
  try {
    const live: LanguageModel = new OpenAiLanguageModel(
      { apiKey: api.apiKey, baseUrl: api.url, model: 'stand-in' },
      prompts,
    );
    const recording = new RecordingLanguageModel(live, {
      source:
        'NOT A REAL MODEL: the local OpenAI-compatible stand-in (tests/support/stand-ins/openai-api.ts), answering "unknown, low confidence" to every message. Recorded by npm run bench:llm.',
      recordedAt: new Date().toISOString(),
      entries: {},
    });
    const understander = new LlmAssistedUnderstander(recording, guard(), { price });

    // Warm-up, then timed turns: wall time of a model turn against the model's own time.
    const items = files.flatMap((file) =>
      file.items.map((item) => ({
        text: item.text,
        context: {
          now: new Date(file.now),
          timeZone: file.timeZone,
          locale: item.locale ?? file.locale,
          currency: toCurrencyCode(file.currency)!,
        },
      })),
    );
    const modelItems = items.filter(
      ({ text, context }) =>
        understander.needsModel(text, understandByRules(text, context)) &&
        !screenForInjection(text).isSuspect,
    );
    for (const { text, context } of modelItems.slice(0, 5))
      await understander.understand(text, context);
    const overheads: number[] = [];
    const added: number[] = [];
    let tokensIn = 0;
    let tokensOut = 0;
    let turns = 0;
    const rounds = Number(process.env.BENCH_LLM_ROUNDS ?? 10);
    for (const { text, context } of Array.from({ length: rounds }, () => modelItems).flat()) {
      const r0 = performance.now();
      understandByRules(text, context);
      const rulesMs = performance.now() - r0;
      const t0 = performance.now();
      const result = await understander.understand(text, context);
      const wall = performance.now() - t0;
      const trace = result.llm;
      if (trace?.latencyMs === undefined || trace.inputTokens === undefined) continue;
      turns += 1;
      overheads.push(wall - trace.latencyMs);
      added.push(wall - rulesMs);
      tokensIn += trace.inputTokens;
      tokensOut += trace.outputTokens ?? 0;
    }
    overheads.sort((a, b) => a - b);
    added.sort((a, b) => a - b);

    // The whole dataset once more through the recorder, for the cassette and the share.
    const recorded = await evaluateNluWith(files, understander);
    await writeCassette(cassetteFile, recording.cassette);
    const replayed = await evaluateNluWith(
      files,
      new LlmAssistedUnderstander(
        new ReplayLanguageModel(await readCassette(cassetteFile)),
        guard(),
        { price },
      ),
    );
    const rules = evaluateNlu(files);
    const perTurnIn = tokensIn / Math.max(1, turns);
    const perTurnOut = tokensOut / Math.max(1, turns);
    const costPer1000 = (costMicroUsd(price, perTurnIn, perTurnOut) * 1000) / 1e6;

    await recordBenchmark('llm', {
      title: 'LLM fallback: share of turns, overhead, tokens and cost',
      description: `The labelled NLU dataset (${rules.intent.total} messages, tests/nlu) through the rules with the LLM fallback (overhead timed over ${rounds} passes of the messages that reach the model), against the local OpenAI-compatible stand-in via the real \`openai\` client and the LangChain prompt path; the stand-in answers after ${modelMs} ms. "Our overhead" is a model turn's wall time minus the time inside the model call (HTTP included): rules, injection screen, redaction, prompt rendering, parsing and validation. Cost at $${price.inputPerMillion} / $${price.outputPerMillion} per million input / output tokens (gpt-4o-mini list price); token counts are the stand-in's estimate (characters / 4).`,
      rows: [
        {
          measure: 'messages reaching the model',
          value: `${recorded.llm.calls} of ${recorded.intent.total} (${round(recorded.llm.share * 100, 1)}%)`,
          target: '≤ 20%',
        },
        {
          measure: 'our overhead per model turn, median',
          value: `${round(percentile(overheads, 50))} ms`,
          target: '≤ 20 ms',
        },
        {
          measure: 'our overhead per model turn, p95',
          value: `${round(percentile(overheads, 95))} ms`,
          target: '≤ 20 ms',
        },
        {
          measure: 'added latency per model turn vs rules only, median',
          value: `${round(percentile(added, 50))} ms`,
          target: `model time (${modelMs} ms) + overhead`,
        },
        {
          measure: 'tokens per model turn',
          value: `${round(perTurnIn, 0)} in + ${round(perTurnOut, 0)} out`,
          target: '',
        },
        { measure: 'cost per 1,000 model turns', value: `$${round(costPer1000, 4)}`, target: '' },
        {
          measure: 'intent accuracy, rules only',
          value: `${round(rules.intent.accuracy * 100, 1)}%`,
          target: '',
        },
        {
          measure: 'intent accuracy, rules + LLM (replayed cassette)',
          value: `${round(replayed.intent.accuracy * 100, 1)}%`,
          target: '',
        },
      ],
      notes:
        'The committed cassette (tests/nlu/cassettes/stand-in.json) is NOT from a real model: it is the stand-in answering "unknown" to every message, so rules + LLM accuracy equals rules-only accuracy here by construction. With a real endpoint configured, `cuota eval nlu --llm --record <file>` records one and `--replay <file>` scores it offline.',
    });
    console.log(
      JSON.stringify(
        {
          share: recorded.llm.share,
          overheads: [percentile(overheads, 50), percentile(overheads, 95)],
          perTurnIn,
          perTurnOut,
          costPer1000,
          rules: rules.intent.accuracy,
          replayed: replayed.intent.accuracy,
          byStatus: replayed.llm.byStatus,
        },
        null,
        2,
      ),
    );
  } finally {
    await api.close();
  }
}

await main();
