/**
 * Issue 6: the engine's conversation scripts rerun with the LLM fallback on, against a local
 * OpenAI-compatible stand-in through the real `openai` client and the LangChain prompt path.
 * The stand-in answers "unknown, low confidence" unless a turn scripts its answer (`model:`),
 * so every shipped script must pass unchanged; the scripts under llm/ are messy messages only
 * the LLM path understands, and model answers the validation must refuse. Grounded answers and
 * rewording are on too: the stand-in rewords every template to itself and finds no question
 * answerable, so every reply the scripts expect must still be there.
 */
import path from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { CapsAndBreakerGuard } from '../../src/adapters/llm/guard.js';
import { OpenAiLanguageModel } from '../../src/adapters/llm/openai-model.js';
import { loadPrompts, type PromptLibrary } from '../../src/adapters/llm/prompts.js';
import { loadFaq } from '../../src/adapters/flows/load-faq.js';
import { GroundedAnswerer } from '../../src/app/grounded-answer.js';
import { LlmAssistedUnderstander } from '../../src/app/llm-understander.js';
import { ReplyRephraser } from '../../src/app/rephrase-replies.js';
import type { Faq } from '../../src/domain/llm/faq.js';
import type { LanguageModel } from '../../src/ports/language-model.js';
import { packageRoot } from '../../src/main.js';
import { startOpenAiApi, type OpenAiApiStandIn } from '../support/stand-ins/openai-api.js';
import { describeConversations, scriptsDir } from './runner.js';

let api: OpenAiApiStandIn;
let prompts: PromptLibrary;
let faq: Faq;
/** One model and one guard per script, shared by understanding and replies as in main. */
let current: { model: LanguageModel; guard: CapsAndBreakerGuard } | undefined;

beforeAll(async () => {
  api = await startOpenAiApi();
  prompts = await loadPrompts(packageRoot);
  faq = await loadFaq(packageRoot);
});

function fresh(): { model: LanguageModel; guard: CapsAndBreakerGuard } {
  current = {
    model: new OpenAiLanguageModel(
      { apiKey: api.apiKey, baseUrl: api.url, model: 'stand-in' },
      prompts,
    ),
    guard: new CapsAndBreakerGuard({
      perConversation: 1000,
      perDay: 100_000,
      breakerFailures: 5,
      breakerCooldownMs: 60_000,
    }),
  };
  return current;
}

const templatesIn = (content: string): unknown =>
  JSON.parse(
    /<plantillas>\n([\s\S]*?)\n<\/plantillas>|<templates>\n([\s\S]*?)\n<\/templates>|<modelos>\n([\s\S]*?)\n<\/modelos>/
      .exec(content)
      ?.slice(1)
      .find((g) => g !== undefined) ?? '[]',
  );

afterAll(async () => {
  await api.close();
});

describeConversations({
  label: 'rules + LLM on the stand-in',
  dirs: [scriptsDir, path.join(scriptsDir, 'llm')],
  understander: () => {
    const { model, guard } = fresh();
    return new LlmAssistedUnderstander(model, guard);
  },
  replies: () => ({
    answerer: new GroundedAnswerer(current!.model, current!.guard, faq),
    rephraser: new ReplyRephraser(current!.model, current!.guard),
  }),
  beforeTurn: (turn) => {
    const answer = turn.model;
    api.script((_message, request) => {
      const prompt = request.messages.at(-1)?.content ?? '';
      if (/<(?:plantillas|templates|modelos)>/.test(prompt)) {
        return { type: 'json', body: { texts: templatesIn(prompt) } };
      }
      if (/<(?:datos_cuenta|account_facts|dados_conta)>/.test(prompt)) {
        return { type: 'json', body: { answerable: false, answer: '' } };
      }
      return answer === undefined ? undefined : { type: 'json', body: answer };
    });
  },
});
