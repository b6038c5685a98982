import { setup, type AnyActorLogic, type AnyActorRef, type AnyStateMachine } from 'xstate';
import { contextFinished } from '../runtime/events';
import { DefinitionError } from '../errors';
import { contextPlumbing, plumbingActions, RESERVED_EVENTS, RESTART_EVENT } from '../runtime/plumbing';
import { currentTurn } from '../runtime/turn-scope';
import type { ContextResult, EscapeKind } from '../types';
import type { ExternalEvent, IntentEvent } from '../types';
import { dialogueArgs } from './args';
import type { Action, DialogueArgs, DialogueEvent, EscapeHandler, On, StageConfig, Transitions } from './authoring.types';
import type { MemoryDeclaration, MemoryView } from './memory';
import { expandConfirm, isConfirm } from './confirm';
import { SERVICE_LOGIC } from './services';
import { BRAIN_MARKER, brainInvoke } from './delegate';
import { counted, countedAll, failureOnError, type Where } from './transitions';

/** What a context starts with: `dependOn`'s `input`, or `{ trigger }` (the message or event) when it starts a thread. */
export interface ContextInput {
  /** The message or external event that opened this thread (take slots said early from it). */
  trigger?: IntentEvent | ExternalEvent;
  [key: string]: unknown;
}

/** How a context starts: its input, memory and the clock. */
export interface ContextInitArgs<TMemory = MemoryView> {
  input: ContextInput;
  memory: TMemory;
  now: Date;
}

/**
 * A dialogue context: a self-contained multi-turn unit with stages (states), its own data (`TData`, plain JSON), and
 * a result (`TResult`, returned by its final stages to whoever depends on it).
 */
export interface ContextSpec<TData extends object = object, TMemory = MemoryView> {
  /** Registration key, unique in the bot: other contexts `dependOn` it and threads are named by it. */
  id: string;
  description?: string;
  /** Initial data (plain JSON), or a function of the input and memory. */
  context?: TData | ((args: ContextInitArgs<TMemory>) => TData);
  memory?: Record<string, MemoryDeclaration>;
  initial: string;
  stages: Record<string, StageConfig<TData>>;
  /** Context-level handlers, consulted when the active stage does not handle an event. */
  on?: On<TData>;
  /** Escape handlers at context level (stages may have their own). Handling an escape intercepts it. */
  onCancel?: EscapeHandler<TData>;
  onReject?: EscapeHandler<TData>;
  onFailure?: EscapeHandler<TData>;
  onQuit?: EscapeHandler<TData>;
  /** What to do when a human gives the conversation back after a `handoff()` (before the question is asked again). */
  onReturn?: Transitions<TData, DialogueEvent>;
  /** Named guards (visible by name in diagrams), written against the dialogue arguments. */
  guards?: Record<string, (args: DialogueArgs<NoInfer<TData>, DialogueEvent, TMemory>) => boolean>;
  /** Named actions. */
  actions?: Record<string, Action<NoInfer<TData>>>;
  /** Invoked actors such as services (`service(...)`), by key. */
  actors?: Record<string, AnyActorLogic>;
}

declare const definitionTypes: unique symbol;

/**
 * A defined context: the spec, validated, plus the contexts it depends on. Built into a machine by `defineBot`.
 * `TResult` types what a caller's `dependOn(thisContext, { onDone })` receives.
 */
export interface ContextDefinition<TData extends object = object, TResult extends object = object> {
  readonly kind: 'parley.context';
  readonly id: string;
  /** The spec as written (its types erased: the engine reads it, authors read their own). */
  readonly spec: ContextSpec<object, unknown>;
  /** Context keys this one invokes (`dependOn`). */
  readonly dependsOn: readonly string[];
  readonly [definitionTypes]?: { types(data: TData, result: TResult): void };
}

/** A stage as XState takes it, after Parley's additions. */
type XStateStage = Record<string, unknown>;

const ESCAPE_HANDLERS: Record<string, EscapeKind> = {
  onCancel: 'cancel',
  onReject: 'reject',
  onFailure: 'failure',
  onQuit: 'quit',
};

/**
 * Define a context. Misuse fails here, with a message saying how to fix it.
 *
 * @example
 * export const weather = defineContext({
 *   id: 'weather',
 *   context: { city: null as string | null },
 *   initial: 'askingCity',
 *   stages: {
 *     askingCity: ask({ prompt: '哪个城市?', on: { 'intent.inform': { target: 'done', actions: update(...) } } }),
 *     done: finish('done'),
 *   },
 * });
 */
export function defineContext<
  TData extends object,
  TResult extends object = Record<string, unknown>,
  TMemory = MemoryView,
>(spec: ContextSpec<TData, TMemory>): ContextDefinition<TData, TResult> {
  const where = { context: spec?.id };
  if (!spec || typeof spec.id !== 'string' || !/^[a-z][a-zA-Z0-9_-]*$/.test(spec.id)) {
    throw new DefinitionError(
      `A context needs an \`id\` made of letters, digits, '-' or '_', starting with a lower-case letter (got ${JSON.stringify(spec?.id)}).`,
      { context: String(spec?.id) },
    );
  }
  if (!spec.stages || Object.keys(spec.stages).length === 0) {
    throw new DefinitionError(`Context '${spec.id}' has no stages. Add \`stages: { askingX: ask({...}) }\`.`, where);
  }
  if (!spec.stages[spec.initial]) {
    throw new DefinitionError(
      `Context '${spec.id}' starts at '${spec.initial}', which is not one of its stages (${Object.keys(spec.stages).join(', ')}). Set \`initial\` to one of them.`,
      where,
    );
  }
  checkReserved(spec.id, spec.on ?? {});
  const dependsOn = new Set<string>();
  const services: Record<string, AnyActorLogic> = {};
  walkStages(spec.stages, (stage, path) => {
    checkReserved(spec.id, stage.on ?? {}, path);
    for (const invoke of toList(stage.invoke ?? [])) {
      const { src, [SERVICE_LOGIC]: logic } = invoke as { src?: unknown; [SERVICE_LOGIC]?: AnyActorLogic };
      if (typeof src !== 'string') continue;
      if (logic) {
        if (services[src] && services[src] !== logic) {
          throw new DefinitionError(
            `Context '${spec.id}' invokes two different services under the key '${src}'. Give each its own key.`,
            where,
          );
        }
        services[src] = logic;
      } else if (!spec.actors?.[src]) dependsOn.add(src);
    }
    if (stage.after) {
      throw new DefinitionError(
        `Stage '${spec.id}.${path}' uses \`after\`: XState timers are lost between turns. Use \`schedule({ inMs, event })\` and handle the \`ext.*\` event instead.`,
        where,
      );
    }
  });
  return {
    kind: 'parley.context',
    id: spec.id,
    spec: { ...spec, actors: { ...services, ...(spec.actors ?? {}) } } as unknown as ContextSpec<object, unknown>,
    dependsOn: [...dependsOn],
  };
}

/** Build the XState machine of a context; `children` are the machines of the contexts it depends on. */
export function buildContextMachine(
  definition: ContextDefinition<object, object>,
  children: Record<string, AnyStateMachine>,
): AnyStateMachine {
  const { spec } = definition;
  const authorOn: Record<string, any> = withEscapeHandlers(
    withReturn(spec.on ?? {}, spec.onReturn),
    spec as unknown as Record<string, unknown>,
  );
  const guards: Record<string, any> = {};
  for (const [name, guard] of Object.entries(spec.guards ?? {})) {
    guards[name] = (args: any) => guard(dialogueArgs(args));
  }
  const initialContext = spec.context;
  try {
    return setup({
      actors: { ...children, ...(spec.actors ?? {}) },
      actions: { ...plumbingActions, ...(spec.actions ?? {}) },
      guards,
    }).createMachine({
      id: spec.id,
      description: spec.description,
      context: ({ input }: any) => {
        if (typeof initialContext !== 'function') return structuredClone(initialContext ?? {});
        const turn = currentTurn();
        return initialContext({ input: input ?? {}, memory: turn.view, now: turn.clock.now() });
      },
      initial: spec.initial,
      states: mapStages(spec.stages, spec.id),
      on: countedAll(contextPlumbing(authorOn), { context: spec.id, stage: '(context)' }),
      output: ({ event }: any) => event.output,
    } as any) as AnyStateMachine;
  } catch (cause) {
    throw new DefinitionError(
      `Context '${spec.id}' is not a valid statechart: ${cause instanceof Error ? cause.message : String(cause)}`,
      { context: spec.id },
    );
  }
}

/**
 * Stages as XState states, recursively: stage-level `onCancel`/… become `on['escape.*']`; every transition is counted
 * against the turn's bound; an invoked actor without `onError` fails as a failure escape here; a stage that waits for
 * a context can be restarted by the engine (`parley.restart`) when that context failed and the failure was stopped
 * without leaving the stage.
 */
function mapStages(
  stages: Record<string, StageConfig<unknown>>,
  contextId: string,
  prefix = '',
): Record<string, XStateStage> {
  const result: Record<string, XStateStage> = {};
  for (const [name, stage] of Object.entries(stages)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const where = { context: contextId, stage: path };
    const { onCancel, onReject, onFailure, onQuit, onReturn, states, always, invoke, ...rest } = stage;
    const on = countedAll(
      withEscapeHandlers(withReturn(rest.on ?? {}, onReturn), { onCancel, onReject, onFailure, onQuit }),
      where,
    );
    if (stage.meta?.dependOn !== undefined) {
      const id = `${contextId}.${path}`;
      on[RESTART_EVENT] = counted(
        { guard: ({ event }: { event: { stage?: string } }) => event.stage === id, target: `#${id}`, reenter: true },
        where,
      );
    }
    // A final stage of the context itself: the context ends here, with this stage's output as its result.
    const finished = !prefix && rest.type === 'final' ? [finishedAt(contextId, rest.output)] : [];
    result[name] = {
      ...rest,
      ...(finished.length ? { entry: [...finished, ...toList(rest.entry ?? [])] } : {}),
      ...(Object.keys(on).length ? { on } : {}),
      ...(always !== undefined ? { always: counted(always, where) } : {}),
      ...(invoke !== undefined ? { invoke: mapInvoke(invoke, where) } : {}),
      ...(states ? { states: mapStages(states, contextId, path) } : {}),
    };
  }
  return result;
}

/** Entry action of a context's final stage: report `context.finished` with the result the stage gives. */
function finishedAt(contextId: string, output: unknown) {
  return function parleyContextFinished(args: { context: unknown; event: unknown; self: AnyActorRef }): void {
    const value: unknown = typeof output === 'function' ? (output as (a: unknown) => unknown)(args) : output;
    const result = (value && typeof value === 'object' ? value : {}) as Partial<ContextResult>;
    contextFinished(contextId, args.self, { ...result, status: result.status ?? 'done' });
  };
}

function mapInvoke(invoke: unknown, where: Where): unknown {
  if (Array.isArray(invoke)) return invoke.map((one) => mapInvoke(one, where));
  const { [SERVICE_LOGIC]: _logic, ...own } = invoke as Record<string, unknown>;
  // A brain's invoke (`delegate`) is finished here, where the stage's path is known.
  const { [BRAIN_MARKER]: _brain, ...config } = brainInvoke(own, where) ?? own;
  const onError = config.onError ?? { actions: failureOnError('SERVICE_FAILED', String(config.src), where) };
  return {
    ...config,
    ...(config.onDone !== undefined ? { onDone: counted(config.onDone, where) } : {}),
    onError: counted(onError, where),
  };
}

/** `on` plus the escape handlers (`onCancel: …` → `on['escape.cancel']`); a `confirm()` handler brings its answers. */
function withEscapeHandlers(on: Record<string, any>, handlers: Record<string, unknown>): Record<string, any> {
  const result: Record<string, any> = { ...on };
  for (const [key, kind] of Object.entries(ESCAPE_HANDLERS)) {
    const handler = handlers[key];
    if (handler === undefined) continue;
    if (!isConfirm(handler)) {
      result[`escape.${kind}`] = handler;
      continue;
    }
    for (const [event, transition] of Object.entries(expandConfirm(kind, handler))) {
      result[event] = result[event] === undefined ? transition : [...toList(result[event]), transition];
    }
  }
  return result;
}

/** `onReturn` (after a handoff to a human) is the handler of `handoff.returned`. */
function withReturn(on: Record<string, any>, onReturn: unknown): Record<string, any> {
  return onReturn === undefined ? on : { ...on, 'handoff.returned': onReturn };
}

function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function walkStages(
  stages: Record<string, StageConfig>,
  visit: (stage: StageConfig, path: string) => void,
  prefix = '',
): void {
  for (const [name, stage] of Object.entries(stages)) {
    const path = prefix ? `${prefix}.${name}` : name;
    visit(stage, path);
    if (stage.states) walkStages(stage.states, visit, path);
  }
}

function checkReserved(contextId: string, on: Record<string, unknown>, path?: string): void {
  for (const reserved of RESERVED_EVENTS) {
    // `turn` set by ask()/dependOn() is the engine's own plumbing and is allowed.
    const handler = on[reserved] as any;
    const own = JSON.stringify(handler ?? '').includes('parley.');
    if (handler !== undefined && !own) {
      throw new DefinitionError(
        `Context '${contextId}'${path ? ` stage '${path}'` : ''} handles '${reserved}', which is Parley's routing event. Handle the intents themselves (e.g. 'intent.order.juice') instead.`,
        { context: contextId },
      );
    }
  }
}
