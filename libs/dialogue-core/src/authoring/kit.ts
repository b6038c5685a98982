import type { Json } from '../ports/memory.port';
import type { EscapeKind } from '../types';
import { call, escape, handoff, propagate, remember, replaceTo, run, say, schedule, sleepTo, update } from './actions';
import { entity, hasEntity } from './args';
import type {
  Action,
  DialogueArgs,
  DialogueEvent,
  Dynamic,
  EntityTypes,
  Guard,
  InvokeConfig,
  ResultStatus,
  ServiceDoneEvent,
  ServiceErrorEvent,
  StageConfig,
  Transitions,
} from './authoring.types';
import { confirm, type ConfirmSpec } from './confirm';
import { brainContext, delegate, type BrainContextSpec, type BrainResult, type DelegateConfig } from './delegate';
import { defineContext, type ContextDefinition, type ContextSpec } from './define-context';
import { form, type FormConfig } from './form';
import type { MemoryView } from './memory';
import { invokeService, type ServiceLogic } from './services';
import { ask, dependOn, finish, when, yieldUntil, type AskConfig, type DependOnConfig } from './stages';
import type { ConfirmHandler } from './authoring.types';

/** What a bot's kit knows about the whole bot: its memory's shape and its entities' values. */
export interface BotTypes {
  /** User- and conversation-scoped memory, by name (e.g. `{ customer: Customer }`). */
  memory?: object;
  /** Entity values by entity name (e.g. `{ flavor: '苹果' | '橙子' | '西瓜' }`), e.g. generated from the NLU corpus. */
  entities?: EntityTypes;
}

type MemoryOf<T extends BotTypes> = T['memory'] extends object ? Readonly<Partial<T['memory']>> : MemoryView;
type EntitiesOf<T extends BotTypes> = T['entities'] extends EntityTypes ? T['entities'] : EntityTypes;

/**
 * The authoring helpers of one context, typed by its data `TData` and its result `TResult`: a wrong field in
 * `update`, a prompt that reads data the context does not have, or a result the caller does not expect is a compile
 * error. Each helper is the plain one (`say`, `update`, …) with the types bound.
 */
export interface ContextKit<TData extends object, TResult extends object, TMemory, TEntities extends EntityTypes> {
  /** Define the context (same as `defineContext`, typed). */
  defineContext(this: void, spec: ContextSpec<TData, TMemory>): ContextDefinition<TData, TResult>;
  ask(this: void, config: AskConfig<TData, TMemory>): StageConfig<TData>;
  form<K extends keyof TData & string>(this: void, config: FormConfig<TData, K, TMemory, TEntities>): StageConfig<TData>;
  dependOn<TChildResult extends object>(
    this: void,
    child: ContextDefinition<never, TChildResult> | string,
    config?: DependOnConfig<TData, TChildResult>,
  ): StageConfig<TData>;
  /** A final stage; `output` is the context's result (without `status`). */
  finish(this: void, status?: ResultStatus, output?: Dynamic<TResult, TData, DialogueEvent, TMemory>): StageConfig<TData>;
  yieldUntil(this: void, config: StageConfig<TData>): StageConfig<TData>;
  /**
   * Invoke a service (registered under `key`) and wait for it; its output is typed in `onDone`, a throw is a failure
   * escape by default.
   */
  invoke<TInput, TOutput>(
    this: void,
    key: string,
    service: ServiceLogic<TInput, TOutput>,
    config: {
      input: Dynamic<TInput, TData, DialogueEvent, TMemory>;
      onDone: Transitions<TData, ServiceDoneEvent<TOutput>>;
      onError?: Transitions<TData, ServiceErrorEvent>;
    },
  ): InvokeConfig<TData, TOutput>;
  when<TEvent = DialogueEvent>(this: void, predicate: (args: DialogueArgs<TData, TEvent, TMemory>) => boolean): Guard<TData, TEvent>;
  say<TEvent = DialogueEvent>(this: void, text: Dynamic<string, TData, TEvent, TMemory>): Action<TData, TEvent>;
  update<TEvent = DialogueEvent>(this: void, patch: Dynamic<Partial<TData>, TData, TEvent, TMemory>): Action<TData, TEvent>;
  /** Remember user- or conversation-scoped memory (typed by the bot's memory); custom scopes are written by services. */
  remember<N extends keyof TMemory & string, TEvent = DialogueEvent>(
    this: void,
    name: N,
    data: Dynamic<NonNullable<TMemory[N]>, TData, TEvent, TMemory>,
  ): Action<TData, TEvent>;
  escape<TEvent = DialogueEvent>(this: void, kind: EscapeKind, reason?: string): Action<TData, TEvent>;
  propagate<TEvent = DialogueEvent>(this: void, kind?: EscapeKind): Action<TData, TEvent>;
  sleepTo<TEvent = DialogueEvent>(
    this: void,
    thread: string,
    input?: Dynamic<Record<string, unknown>, TData, TEvent>,
  ): Action<TData, TEvent>;
  replaceTo<TEvent = DialogueEvent>(
    this: void,
    thread: string,
    input?: Dynamic<Record<string, unknown>, TData, TEvent>,
  ): Action<TData, TEvent>;
  schedule<TEvent = DialogueEvent>(this: void, options: {
    inMs: number;
    event: Dynamic<{ type: string; [key: string]: unknown }, TData, TEvent>;
    key?: string;
  }): Action<TData, TEvent>;
  /** Hand the conversation to a human until the admin API returns it (see `handoff`). */
  handoff<TEvent = DialogueEvent>(
    this: void,
    options?: { reason?: Dynamic<string, TData, TEvent, TMemory>; say?: Dynamic<string, TData, TEvent, TMemory> },
  ): Action<TData, TEvent>;
  call<TEvent = DialogueEvent>(this: void, service: string, input: Dynamic<Json, TData, TEvent>): Action<TData, TEvent>;
  run<TEvent = DialogueEvent>(this: void, fn: (args: DialogueArgs<TData, TEvent, TMemory>) => void): Action<TData, TEvent>;
  confirm(this: void, spec: ConfirmSpec<TData, TMemory>): ConfirmHandler<TData>;
  /** A stage that hands the conversation to an external brain (see `delegate`); `memory` names the bot's memory. */
  delegate(this: void, config: DelegateConfig<TData, TMemory>): StageConfig<TData>;
  /** The value of the entity `name` in an event, typed by the bot's entities. */
  entity<K extends keyof TEntities & string>(this: void, event: unknown, name: K): TEntities[K] | undefined;
  hasEntity(this: void, event: unknown, name: keyof TEntities & string): boolean;
}

/** A bot's kit: the types its contexts share (memory, entities), and a typed kit per context. */
export interface BotKit<TBot extends BotTypes> {
  /** A context that is all external brain (see `brainContext`), its `memory` list typed by the bot's memory. */
  brainContext(spec: BrainContextSpec<MemoryOf<TBot>>): ContextDefinition<Record<string, never>, BrainResult>;
  context<TData extends object, TResult extends object = Record<string, never>>(): ContextKit<
    TData,
    TResult,
    MemoryOf<TBot>,
    EntitiesOf<TBot>
  >;
}

const HELPERS = {
  defineContext,
  ask,
  form,
  dependOn,
  finish,
  yieldUntil,
  invoke: invokeService,
  when,
  say,
  update,
  remember,
  escape,
  propagate,
  sleepTo,
  replaceTo,
  schedule,
  call,
  handoff,
  run,
  confirm,
  delegate,
  entity,
  hasEntity,
};

/**
 * The typed authoring helpers of a bot: memory and entity types once, then one kit per context.
 *
 * @example
 * export const juiceKit = botKit<{ memory: { customer: Customer }; entities: JuiceEntities }>();
 * // order.context.ts
 * const { defineContext, ask, form, update, say, when, entity } = juiceKit.context<OrderData, OrderResult>();
 */
export function botKit<TBot extends BotTypes = BotTypes>(): BotKit<TBot> {
  return {
    brainContext,
    context: () => HELPERS as unknown as ContextKit<never, never, never, never>,
  } as unknown as BotKit<TBot>;
}

/**
 * The typed authoring helpers of one context (for a bot without shared memory or entity types).
 *
 * @example
 * const { defineContext, ask, update, when } = contextKit<{ size: string | null }>();
 */
export function contextKit<TData extends object, TResult extends object = Record<string, never>>(): ContextKit<
  TData,
  TResult,
  MemoryView,
  EntityTypes
> {
  return botKit().context<TData, TResult>();
}
