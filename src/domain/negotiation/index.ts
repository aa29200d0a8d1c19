/** Negotiation within policy: pure functions over parsed rules, amounts in minor units. */
export * from './policy.js';
export * from './plan.js';
export * from './promise.js';
