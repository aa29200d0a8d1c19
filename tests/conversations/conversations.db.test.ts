/**
 * Conversations as data, understood by the rules alone: every YAML script in this folder
 * replayed through the full turn path by the runner (runner.ts).
 */
import { RulesUnderstander } from '../../src/domain/understanding/rules-understander.js';
import { describeConversations, scriptsDir } from './runner.js';

describeConversations({
  label: 'rules',
  dirs: [scriptsDir],
  understander: () => new RulesUnderstander(),
});
