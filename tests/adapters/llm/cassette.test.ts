/**
 * Cassettes: answers recorded from a model replay offline, call for call. The committed
 * cassette (tests/nlu/cassettes/stand-in.json, recorded by bench:llm from the stand-in, not a
 * real model) must cover every NLU message that reaches the model, so `eval nlu --llm --replay`
 * runs in CI without a network.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  readCassette,
  RecordingLanguageModel,
  ReplayLanguageModel,
  writeCassette,
} from '../../../src/adapters/llm/cassette.js';
import { CapsAndBreakerGuard } from '../../../src/adapters/llm/guard.js';
import { OpenAiLanguageModel } from '../../../src/adapters/llm/openai-model.js';
import { loadPrompts } from '../../../src/adapters/llm/prompts.js';
import { evaluateNlu, evaluateNluWith, loadNluDataset } from '../../../src/app/eval-nlu.js';
import { LlmAssistedUnderstander } from '../../../src/app/llm-understander.js';
import { toCurrencyCode } from '../../../src/domain/money.js';
import type { LanguageModel } from '../../../src/ports/language-model.js';
import { startOpenAiApi, type OpenAiApiStandIn } from '../../support/stand-ins/openai-api.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const guard = (): CapsAndBreakerGuard =>
  new CapsAndBreakerGuard({
    perConversation: 1e9,
    perDay: 1e9,
    breakerFailures: 1e9,
    breakerCooldownMs: 1000,
  });
const understander = (model: LanguageModel): LlmAssistedUnderstander =>
  new LlmAssistedUnderstander(model, guard());

let api: OpenAiApiStandIn;
let dir: string;

beforeAll(async () => {
  api = await startOpenAiApi();
  dir = await mkdtemp(path.join(os.tmpdir(), 'cuota-cassette-'));
});

afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

describe('cassettes', () => {
  it('replay what was recorded, answers and failures alike, without the endpoint', async () => {
    const live = new OpenAiLanguageModel(
      { apiKey: api.apiKey, baseUrl: api.url, model: 'stand-in' },
      await loadPrompts(root),
    );
    const recording = new RecordingLanguageModel(live, {
      source: 'test',
      recordedAt: '2026-11-24T15:00:00Z',
      entries: {},
    });
    const context = {
      now: new Date('2026-11-24T15:00:00Z'),
      timeZone: 'America/Bogota',
      locale: 'es-CO',
      currency: toCurrencyCode('COP')!,
    };
    api.reply(
      { type: 'json', body: { intent: 'hardship', confidence: 0.9, hardship: true } },
      { type: 'error', status: 500, message: 'boom' },
    );
    const first = 'me quedé colgada con todo y no sé ni por dónde empezar con esto';
    const second = 'uy no sé, esto está muy enredado todo';
    const recorded = [
      await understander(recording).understand(first, context),
      await understander(recording).understand(second, context),
    ];
    const file = path.join(dir, 'cassette.json');
    await writeCassette(file, recording.cassette);
    const sentBefore = api.requests.length;

    const replay = new ReplayLanguageModel(await readCassette(file));
    const replayed = [
      await understander(replay).understand(first, context),
      await understander(replay).understand(second, context),
    ];
    expect(api.requests.length).toBe(sentBefore);
    expect(replayed[0]).toMatchObject({ intent: 'hardship', llm: { status: 'used' } });
    expect(replayed[0]?.llm?.raw).toBe(recorded[0]?.llm?.raw);
    expect(replayed[1]?.llm).toMatchObject({ status: 'failed', reason: 'server_error' });
    // A call never recorded fails like a network error, and the rules answer.
    const missing = await understander(replay).understand(
      'algo que nunca se grabó, la verdad',
      context,
    );
    expect(missing.llm).toMatchObject({ status: 'failed', reason: 'network' });
  });

  it('the committed NLU cassette covers every message that reaches the model', async () => {
    const cassette = await readCassette(path.join(root, 'tests/nlu/cassettes/stand-in.json'));
    expect(cassette.source).toMatch(/NOT A REAL MODEL/);
    const files = await loadNluDataset(path.join(root, 'tests/nlu'));
    const report = await evaluateNluWith(files, understander(new ReplayLanguageModel(cassette)));
    expect(report.llm.byStatus.failed ?? 0).toBe(0);
    expect(report.llm.calls).toBeGreaterThan(0);
    expect(report.llm.share).toBeLessThanOrEqual(0.2);
    // The stand-in is unsure about everything, so the rules' accuracy is kept, not improved.
    expect(report.intent.accuracy).toBe(evaluateNlu(files).intent.accuracy);
  });
});
