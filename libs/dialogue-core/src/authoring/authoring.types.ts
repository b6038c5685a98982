/**
 * The types a bot author writes against. A context's data type (`TData`) flows into every helper — `ask`, `when`,
 * `update`, `say`, `finish`, guards — and the event a handler receives is typed by the key it handles:
 * `'intent.*'` handlers get an `IntentEvent`, `'ext.*'` an `ExternalEvent`, `'escape.*'` an `EscapeEvent`, a
 * `dependOn` result handler the child's typed result. `contextKit<TData>()` binds `TData` once for a context.
 *
 * At run time these are XState configs, actions and guards: the types add no layer, only checks.
 */
import type { EscapeEvent, ExternalEvent, IntentEvent } from '../types';
import type { MemoryView } from './memory';

/** What a guard, an action or a dynamic prompt receives. */
export interface DialogueArgs<TData = unknown, TEvent = DialogueEvent, TMemory = MemoryView> {
  /** The context's own data (plain JSON). */
  context: TData;
  /** The event being handled. */
  event: TEvent;
  /** User- and conversation-scoped memory (read-only here; write with `remember()`). */
  memory: TMemory;
  /** "Now", from the turn's clock. */
  now: Date;
}

/** A value, or a function of the dialogue arguments that computes it. */
export type Dynamic<T, TData = unknown, TEvent = DialogueEvent, TMemory = MemoryView> =
  | T
  | ((args: DialogueArgs<TData, TEvent, TMemory>) => T);

/** A context's result as its caller receives it: `status` and the fields its final stage returned. */
export type ResultOf<TResult, TStatus extends ResultStatus = ResultStatus> = { status: TStatus } & TResult;
export type ResultStatus = 'done' | 'cancelled' | 'rejected' | 'failed';

/** The event a `dependOn` stage receives when the context it waits for ends. */
export interface ResultEvent<TOutput> {
  type: `xstate.done.actor.${string}`;
  output: TOutput;
}

/** The event an invoked service's `onDone` receives. */
export interface ServiceDoneEvent<TOutput = unknown> {
  type: `xstate.done.actor.${string}`;
  output: TOutput;
}

/** The event an invoked service's `onError` receives. */
export interface ServiceErrorEvent {
  type: `xstate.error.actor.${string}`;
  error: unknown;
}

/** Any event a context can see. Handlers keyed by type get the precise member. */
export type DialogueEvent =
  | IntentEvent
  | EscapeEvent
  | ExternalEvent
  | ResultEvent<unknown>
  | ServiceErrorEvent
  | { type: string };

declare const phantom: unique symbol;

/**
 * An action for a context with data `TData`, handling events of type `TEvent` (`say(...)`, `update(...)`, …). At run
 * time an XState action; the type parameters only check where it is used.
 */
export interface Action<TData = unknown, TEvent = DialogueEvent> {
  readonly [phantom]?: { types(data: TData, event: TEvent): void };
}

export type Actions<TData = unknown, TEvent = DialogueEvent> = Action<TData, TEvent> | readonly Action<TData, TEvent>[];

interface GuardFunction<TData, TEvent> {
  check(args: { context: TData; event: TEvent }): boolean;
}

/** A guard: `when(...)` (dialogue arguments), an inline XState guard, or the name of one in the context's `guards`. */
export type Guard<TData = unknown, TEvent = DialogueEvent> = GuardFunction<TData, TEvent>['check'] | string;

/** One transition, as in XState: where to go, on which condition, doing what. */
export interface TransitionConfig<TData = unknown, TEvent = DialogueEvent> {
  target?: string | readonly string[];
  guard?: Guard<TData, TEvent>;
  actions?: Actions<TData, TEvent>;
  reenter?: boolean;
  description?: string;
  /** Free data for tools (diagrams, path tests); Parley's helpers record `ParleyMeta` here. */
  meta?: Record<string, unknown>;
}

/** A target, a transition, or a list of them (the first whose guard passes is taken). */
export type Transitions<TData = unknown, TEvent = DialogueEvent> =
  | string
  | TransitionConfig<TData, TEvent>
  | readonly (string | TransitionConfig<TData, TEvent>)[];

/** Handlers by event type; the key types the event each handler receives. */
export interface On<TData = unknown> {
  [intent: `intent.${string}`]: Transitions<TData, IntentEvent> | undefined;
  [escape: `escape.${string}`]: Transitions<TData, EscapeEvent> | undefined;
  [external: `ext.${string}`]: Transitions<TData, ExternalEvent> | undefined;
  [other: string]: Transitions<TData, DialogueEvent> | undefined;
}

declare const confirmMarker: unique symbol;

/** What `confirm()` returns: an escape handler that asks yes/no first. */
export interface ConfirmHandler<TData = unknown> {
  readonly [confirmMarker]?: { types(data: TData): void };
  readonly 'parley.confirm': unknown;
}

/** A handler of an escape: a transition, or `confirm(...)`. */
export type EscapeHandler<TData = unknown> = Transitions<TData, EscapeEvent> | ConfirmHandler<TData>;

/** An invoked actor (a `service(...)` by key): its input, and what to do with its result or its failure. */
export interface InvokeConfig<TData = unknown, TOutput = unknown> {
  id?: string;
  src: string;
  input?: unknown;
  onDone?: Transitions<TData, ServiceDoneEvent<TOutput>>;
  /** Default: a `failure` escape at this context. */
  onError?: Transitions<TData, ServiceErrorEvent>;
}

/**
 * A stage: an XState state config (`on`, `always`, `entry`, nested `states`, `history`, `invoke`, …) for a context with
 * data `TData`, plus escape handlers (`onCancel`, `onReject`, `onFailure`, `onQuit`). XState `after` timers are not
 * allowed: they do not survive between turns (use `schedule()`).
 */
export interface StageConfig<TData = unknown> {
  type?: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  history?: 'shallow' | 'deep';
  initial?: string;
  states?: Record<string, StageConfig<TData>>;
  on?: On<TData>;
  always?: Transitions<TData, DialogueEvent>;
  entry?: Actions<TData, DialogueEvent>;
  exit?: Actions<TData, DialogueEvent>;
  invoke?: InvokeConfig<TData> | readonly InvokeConfig<TData>[];
  /** A compound stage reached its final sub-stage. */
  onDone?: Transitions<TData, DialogueEvent>;
  output?: unknown;
  tags?: string | readonly string[];
  meta?: Record<string, unknown>;
  description?: string;
  target?: string;
  after?: never;
  onCancel?: EscapeHandler<TData>;
  onReject?: EscapeHandler<TData>;
  onFailure?: EscapeHandler<TData>;
  onQuit?: EscapeHandler<TData>;
  /**
   * What to do when a human gives the conversation back after a `handoff()` (e.g. `say('I am back.')`, or a target);
   * then the pending question is asked again.
   */
  onReturn?: Transitions<TData, DialogueEvent>;
}

/** Entity values by entity name, e.g. `{ flavor: '苹果' | '橙子'; phone: string; number: number }`. */
export type EntityTypes = Record<string, string | number>;
