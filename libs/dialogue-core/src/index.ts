export * from './errors';
export * from './types';
export * from './ports';
export { entity, hasEntity, xstateAction } from './authoring/args';
export type {
  Action,
  Actions,
  DialogueArgs,
  DialogueEvent,
  Dynamic,
  EntityTypes,
  EscapeHandler,
  Guard,
  InvokeConfig,
  On,
  ResultEvent,
  ResultOf,
  ResultStatus,
  ServiceDoneEvent,
  ServiceErrorEvent,
  StageConfig,
  TransitionConfig,
  Transitions,
} from './authoring/authoring.types';
export {
  say,
  update,
  remember,
  escape,
  propagate,
  sleepTo,
  replaceTo,
  schedule,
  call,
  run,
  handoff,
} from './authoring/actions';
export { ask, dependOn, finish, yieldUntil, when, homeContext, QUESTION_TAG, YIELD_TAG } from './authoring/stages';
export { confirm, type ConfirmSpec, type ConfirmHandler } from './authoring/confirm';
export type { AskConfig, DependOnConfig, DependOnResults, ParleyMeta } from './authoring/stages';
export {
  defineContext,
  type ContextSpec,
  type ContextDefinition,
  type ContextInitArgs,
  type ContextInput,
} from './authoring/define-context';
export {
  defineBot,
  PROCESS_ID,
  HANDOFF_RETURN,
  type BotSpec,
  type BotDefinition,
  type BotMessages,
  type SnapshotMigration,
  type PersistedSnapshot,
} from './authoring/define-bot';
export { openThread, reply, push, blockThread, type IntentHandler, type EventHandler } from './authoring/bot-intents';
export { intentsWithoutExamples, type IntentWithoutExamples } from './authoring/check-corpus';
export {
  scopeKey,
  preloadAddresses,
  type MemoryDeclaration,
  type MemoryCatalog,
  type MemoryView,
} from './authoring/memory';
export {
  service,
  recall,
  invokeService,
  serviceSamples,
  type ServiceLogic,
  type ServiceApi,
  type ServiceSample,
  type ServiceOptions,
} from './authoring/services';
export { form, type FormConfig, type FormSlot, type SlotContext, type ChangedSlot } from './authoring/form';
export { botKit, contextKit, type BotKit, type BotTypes, type ContextKit } from './authoring/kit';
export {
  runTurn,
  assertEventDeclared,
  declaresEvent,
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
export {
  focusChain,
  pendingQuestion,
  pendingReply,
  openIntents,
  threadsOf,
  activePath,
  stagePath,
  validateTree,
} from './runtime/inspect';
export type { Services } from './runtime/turn-scope';
export * from './migrations';
export * from './testing';
export {
  delegate,
  brainContext,
  parseBrainAnswer,
  brainServiceKey,
  BrainAnswerError,
  type DelegateConfig,
  type BrainContextSpec,
  type BrainRequest,
  type BrainAnswer,
  type BrainResult,
} from './authoring/delegate';
