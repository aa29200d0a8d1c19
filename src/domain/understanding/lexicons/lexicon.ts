/**
 * The shape of a language's lexicon: weighted patterns per intent, written against normalized
 * text (see normalize.ts: lower case, no accents, ñ as n, SMS-speak expanded).
 *
 * A pattern is a regular-expression source matched on whole words: it must start and end at a
 * word boundary, and `^`/`$` anchor it to the whole message. Weights are in -1..1: the weights
 * of every matching pattern of an intent add up (clamped to 0..1) into that intent's score;
 * negative weights cancel a reading ("todavía no pagué" is not a payment claim).
 */
import type { Intent } from '../types.js';

/** `[weight, pattern source]`. */
export type WeightedPattern = readonly [number, string];

/** A language's patterns per intent. */
export type Lexicon = Readonly<Partial<Record<Intent, readonly WeightedPattern[]>>>;
