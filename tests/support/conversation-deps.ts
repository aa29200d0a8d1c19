import type pg from 'pg';
import { loadFlowBundle } from '../../src/adapters/flows/load-flows.js';
import { PostgresConversationStore } from '../../src/adapters/postgres/conversation-store.js';
import type { ConversationDeps } from '../../src/app/conversations.js';
import { RulesUnderstander } from '../../src/domain/understanding/rules-understander.js';
import { packageRoot } from '../../src/main.js';
import type { Clock } from '../../src/ports/clock.js';

let bundle: ReturnType<typeof loadFlowBundle> | undefined;

/**
 * What a conversation turn needs in tests, as `main` wires it: the real store, the rules
 * understander and the shipped flows (loaded once per test file), with the test's clock.
 */
export async function testConversationDeps(pool: pg.Pool, clock: Clock): Promise<ConversationDeps> {
  bundle ??= loadFlowBundle(packageRoot);
  return {
    store: new PostgresConversationStore(pool),
    understander: new RulesUnderstander(),
    bundle: await bundle,
    clock,
    creditor: { name: 'Financiera Andina', paymentDetails: 'https://pagos.example.com' },
    defaultFlowId: 'default',
  };
}
