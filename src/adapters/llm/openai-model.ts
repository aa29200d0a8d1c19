/**
 * The {@link LanguageModel} on any OpenAI-compatible chat completions endpoint, through the
 * official `openai` SDK. A LangChain runnable renders the versioned prompt and calls the model:
 * prompt -> chat messages -> chat.completions.create. No retries: one turn has one budget
 * (`timeoutMs`), and the rules answer when the model does not.
 */
import type { BaseMessage } from '@langchain/core/messages';
import { RunnableLambda } from '@langchain/core/runnables';
import OpenAI from 'openai';
import {
  ModelCallError,
  type LanguageModel,
  type ModelAnswer,
  type ModelFailureKind,
  type PromptCall,
} from '../../ports/language-model.js';
import type { PromptLibrary } from './prompts.js';

export interface OpenAiModelConfig {
  readonly apiKey: string;
  /** Undefined means OpenAI itself. */
  readonly baseUrl: string | undefined;
  readonly model: string;
}

type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

function toChatMessage(message: BaseMessage): ChatMessage {
  const type = message.getType();
  const role = type === 'system' ? 'system' : type === 'ai' ? 'assistant' : 'user';
  const content =
    typeof message.content === 'string'
      ? message.content
      : message.content.map((part) => ('text' in part ? String(part.text) : '')).join('');
  return { role, content };
}

/** Sorts an SDK error into what the understander needs to know. */
export function failureKind(err: unknown): ModelFailureKind {
  if (err instanceof OpenAI.APIConnectionTimeoutError || err instanceof OpenAI.APIUserAbortError) {
    return 'timeout';
  }
  if (err instanceof OpenAI.APIConnectionError) return 'network';
  if (err instanceof OpenAI.RateLimitError) return 'rate_limited';
  if (err instanceof OpenAI.APIError) {
    return (err.status ?? 500) >= 500 ? 'server_error' : 'bad_request';
  }
  return 'network';
}

export class OpenAiLanguageModel implements LanguageModel {
  private readonly client: OpenAI;

  constructor(
    private readonly config: OpenAiModelConfig,
    private readonly prompts: PromptLibrary,
  ) {
    this.client = new OpenAI({
      apiKey: config.apiKey,
      ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
      maxRetries: 0,
    });
  }

  async complete(call: PromptCall): Promise<ModelAnswer> {
    const prompt = this.prompts.get(call.promptId, call.locale);
    const promptRef = { id: prompt.id, version: prompt.version };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), call.timeoutMs);
    let modelMs = 0;
    const callModel = RunnableLambda.from(async (messages: BaseMessage[]) => {
      const started = performance.now();
      try {
        return await this.client.chat.completions.create(
          {
            model: this.config.model,
            messages: messages.map(toChatMessage),
            temperature: 0,
            ...(call.isJson ? { response_format: { type: 'json_object' as const } } : {}),
          },
          { signal: controller.signal, timeout: call.timeoutMs },
        );
      } finally {
        modelMs = performance.now() - started;
      }
    });
    const chain = prompt.template
      .pipe(
        RunnableLambda.from((value: { toChatMessages(): BaseMessage[] }) => value.toChatMessages()),
      )
      .pipe(callModel);
    try {
      const completion = await chain.invoke(call.variables);
      const text = completion.choices[0]?.message.content;
      if (typeof text !== 'string') {
        throw new ModelCallError('bad_request', 'the model answered without text', promptRef);
      }
      return {
        text,
        promptId: prompt.id,
        promptVersion: prompt.version,
        model: completion.model || this.config.model,
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
        latencyMs: Math.round(modelMs),
      };
    } catch (err) {
      if (err instanceof ModelCallError) throw err;
      const kind = controller.signal.aborted ? 'timeout' : failureKind(err);
      throw new ModelCallError(kind, err instanceof Error ? err.message : String(err), promptRef);
    } finally {
      clearTimeout(timer);
    }
  }
}
