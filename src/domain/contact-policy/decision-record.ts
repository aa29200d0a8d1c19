import type { ContactDecision } from './decide-contact.js';

/** A contact-policy decision as it is kept with a message: when it was asked and what it said. */
export interface ContactDecisionRecord {
  /** ISO 8601 UTC. */
  readonly at: string;
  readonly type: ContactDecision['type'];
  readonly rule?: string;
  readonly reason?: string;
  /** ISO 8601 UTC, for a deferral. */
  readonly until?: string;
}

/** The record of `decision`, asked at `at`, for the outbox row and the transcript. */
export function recordDecision(decision: ContactDecision, at: Date): ContactDecisionRecord {
  return {
    at: at.toISOString(),
    type: decision.type,
    ...(decision.type === 'allow' ? {} : { rule: decision.rule, reason: decision.reason }),
    ...(decision.type === 'defer' ? { until: decision.until.toISOString() } : {}),
  };
}
