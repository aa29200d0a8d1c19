import type { Understanding, UnderstandingContext } from '../domain/understanding/types.js';

/**
 * Turns a debtor's text into an {@link Understanding}. The rules implementation is pure and
 * synchronous underneath; the port is async so an LLM fallback can sit behind it.
 */
export interface Understander {
  understand(text: string, context: UnderstandingContext): Promise<Understanding>;
}
