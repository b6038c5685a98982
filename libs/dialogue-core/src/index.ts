export * from './errors';
export * from './types';
export * from './ports';
export { entity, hasEntity, type DialogueArgs, type Dynamic } from './authoring/args';
export { say, update, remember, escape, propagate, sleepTo, replaceTo, schedule, call, run } from './authoring/actions';
export { ask, dependOn, finish, yieldUntil, when, QUESTION_TAG, YIELD_TAG } from './authoring/stages';
export { confirm, type ConfirmSpec, type ConfirmHandler } from './authoring/confirm';
export type { StageConfig, Transition, DependOnResults } from './authoring/stages';
export {
  defineContext,
  type ContextSpec,
  type ContextDefinition,
  type ContextInitArgs,
} from './authoring/define-context';
export {
  defineBot,
  PROCESS_ID,
  type BotSpec,
  type BotDefinition,
  type BotMessages,
  type SnapshotMigration,
} from './authoring/define-bot';
export { openThread, reply, push, blockThread } from './authoring/bot-intents';
export { intentsWithoutExamples, type IntentWithoutExamples } from './authoring/check-corpus';
export {
  scopeKey,
  preloadAddresses,
  type MemoryDeclaration,
  type MemoryCatalog,
  type MemoryView,
} from './authoring/memory';
export { service, recall, serviceSamples, type ServiceSample, type ServiceOptions } from './authoring/services';
export {
  runTurn,
  assertEventDeclared,
  LiveTree,
  type TurnPorts,
  type TurnRequest,
  type TurnOptions,
  type TurnResult,
  type TurnOutcome,
} from './runtime/run-turn';
export { migrate } from './runtime/restore';
export { describeConversation, type ConversationView, type ActorNode, type DescribeOptions } from './runtime/describe';
export { describeBot, type BotOutline, type ContextOutline } from './runtime/describe-bot';
export { focusChain, pendingQuestion, openIntents, threadsOf, activePath, validateTree } from './runtime/inspect';
export type { Services } from './runtime/turn-scope';
export * from './migrations';
export * from './testing';
