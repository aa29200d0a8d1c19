/** The conversation engine's public surface: a pure `step` plus its data types. */
export { step, initialState, handBack, isSilent, expectedIntents } from './step.js';
export type {
  AccountFacts,
  ConversationOwner,
  ConversationState,
  DebtorFacts,
  EngineAction,
  EngineActionType,
  EngineEffect,
  EngineFacts,
  PendingOffer,
  PlanInstallment,
  Reply,
  StepInput,
  StepResult,
} from './types.js';
