import { and, raise, sendParent } from 'xstate';
import { resolve, dialogueArgs, type XStateArgs } from './args';
import type { ContextResult } from '../types';
import { sayQuestion } from './actions';
import type {
  DialogueArgs,
  DialogueEvent,
  Dynamic,
  Guard,
  ResultEvent,
  ResultOf,
  ResultStatus,
  StageConfig,
  Transitions,
  TransitionConfig,
} from './authoring.types';
import { defineContext, type ContextDefinition } from './define-context';
import type { MemoryView } from './memory';
import { failureOnError } from './transitions';

/** Marks the state nodes that ask a question; the engine re-asks `meta.prompt` after a fallback, back step or miss. */
export const QUESTION_TAG = 'parley.question';
export const YIELD_TAG = 'parley.yielding';

/**
 * What the helpers record in the `meta` of the transitions and stages they build, for tools that draw or walk a bot
 * (diagrams, path tests): which result of a `dependOn` child a transition handles (`result`, also on `finish` stages:
 * the result they end with), and which transitions Parley generated rather than the author wrote (`generated`).
 */
export type ParleyMeta = {
  result?: ResultStatus;
  generated?: true;
  /** Bot-wide handlers: the thread an intent or event opens (`openThread`) or puts on the blocking stack. */
  opensThread?: string;
  blocksThread?: string;
  /** Bot-wide handlers that only answer (`reply`) or push a message (`push`). */
  replies?: true;
};

/**
 * A guard written against the dialogue arguments (context, event, memory, now).
 *
 * @example
 * { guard: when(({ memory }) => memory.customer?.member === true), target: 'paying' }
 */
export function when<TData = unknown, TEvent = DialogueEvent, TMemory = MemoryView>(
  predicate: (args: DialogueArgs<TData, TEvent, TMemory>) => boolean,
): Guard<TData, TEvent> {
  return (args: XStateArgs) => predicate(dialogueArgs(args));
}

/** `ask(...)`'s options: the prompt (text, or a function of the dialogue arguments) and the stage itself. */
export interface AskConfig<TData, TMemory = MemoryView> extends StageConfig<TData> {
  prompt: Dynamic<string, TData, DialogueEvent, TMemory>;
  /**
   * The answers the question offers (a closed set), e.g. `['大杯', '小杯']` or a function of the dialogue arguments.
   * They go out with the question (`Reply.choices`) every time it is asked, and channels show them as buttons or quick
   * replies; the prompt must still make sense without them. A choice is sent back as the user's message, so each one
   * must be understood at this stage (the NLU corpus should know it).
   */
  choices?: Dynamic<readonly string[], TData, DialogueEvent, TMemory>;
  /** Do not say the prompt on entry (only when it is asked again), e.g. for the home context's idle stage. */
  quiet?: boolean;
}

/**
 * A stage that asks a question and waits for the answer. The prompt is data, so the engine can re-ask it.
 *
 * @example
 * askingIce: ask({
 *   prompt: '要加冰吗?',
 *   choices: ['加冰', '不加冰'],
 *   on: { 'intent.affirm': { target: 'askingPackage', actions: update({ ice: true }) } },
 * })
 */
export function ask<TData = unknown, TMemory = MemoryView>(config: AskConfig<TData, TMemory>): StageConfig<TData> {
  const { prompt, choices, quiet, entry, on, tags, meta, ...rest } = config;
  return {
    ...rest,
    tags: [QUESTION_TAG, ...toArray(tags)],
    meta: { ...(meta ?? {}), prompt, ...(choices !== undefined ? { choices } : {}) },
    entry: [...(quiet ? [] : [sayQuestion(prompt, choices)]), ...toArray(entry)],
    // A question asked here keeps the turn, even inside a stage that hosts a sub-context (a "modal" question).
    on: { turn: { actions: 'parley.deliverToSelf' as never }, ...(on ?? {}) },
  };
}

/** What to do with each kind of result of a `dependOn` child. Missing kinds escalate as escapes at this level. */
export interface DependOnResults<TData = unknown, TResult = Record<string, unknown>> {
  done?: Transitions<TData, ResultEvent<ResultOf<TResult, 'done'>>>;
  cancelled?: Transitions<TData, ResultEvent<ResultOf<Partial<TResult>, 'cancelled'>>>;
  rejected?: Transitions<TData, ResultEvent<ResultOf<Partial<TResult>, 'rejected'>>>;
  failed?: Transitions<TData, ResultEvent<ResultOf<Partial<TResult>, 'failed'>>>;
}

/** `dependOn(...)`'s options, on top of the stage's own config. */
export interface DependOnConfig<TData, TResult> extends Omit<StageConfig<TData>, 'invoke' | 'onDone'> {
  /** The child's input (its `context` function reads it as `input`). */
  input?: Dynamic<Record<string, unknown>, TData>;
  onDone?: DependOnResults<TData, TResult>;
  /** Intents this stage handles itself before the child sees them (capture phase). */
  capture?: readonly string[];
}

const RESULT_ESCAPES: Record<Exclude<ResultStatus, 'done'>, string> = {
  cancelled: 'escape.cancel',
  rejected: 'escape.reject',
  failed: 'escape.failure',
};

/**
 * A stage that starts another context and waits for its result (`dependOn → intended`). User turns go to the child
 * first; what it does not handle bubbles back here. The child's result arrives in `onDone` per status; given the
 * child's definition (not only its key), the result is typed.
 *
 * @example
 * offeringMembership: dependOn(member, {
 *   input: { mode: 'offer' },
 *   onDone: { done: { target: 'paying', actions: update(({ event }) => ({ member: event.output.member })) } },
 * })
 */
export function dependOn<TData = unknown, TResult extends object = Record<string, unknown>>(
  child: string | ContextDefinition<never, TResult>,
  config: DependOnConfig<TData, TResult> = {},
): StageConfig<TData> {
  const contextKey = typeof child === 'string' ? child : child.id;
  const { input, onDone, capture, on, meta, ...rest } = config;
  const results: Record<string, unknown> = { ...(onDone ?? {}) };
  const doneTransitions: Record<string, unknown>[] = [];
  for (const status of ['done', 'cancelled', 'rejected', 'failed'] as const) {
    const handler = results[status] as Transitions<unknown, unknown> | undefined;
    const isStatus = ({ event }: { event: unknown }) =>
      (event as { output?: ContextResult }).output?.status === status;
    if (handler !== undefined) {
      for (const t of toArray(handler)) {
        const transition: TransitionConfig<unknown, unknown> = typeof t === 'string' ? { target: t } : t;
        // The author's own guard (inline or named) applies on top of the status check.
        doneTransitions.push({
          ...transition,
          guard: transition.guard ? and([isStatus, transition.guard as never]) : isStatus,
          meta: { ...(transition.meta ?? {}), result: status } satisfies ParleyMeta,
        });
      }
    } else if (status !== 'done') {
      doneTransitions.push({
        guard: isStatus,
        actions: raise({ type: RESULT_ESCAPES[status] }),
        meta: { result: status, generated: true } satisfies ParleyMeta,
      });
    }
  }
  const captured = (capture ?? []).map((type) => ({
    guard: ({ event }: { event: { event?: { type?: string } } }) => event.event?.type === type,
    actions: 'parley.deliverToSelf',
  }));
  const stage: Record<string, unknown> = {
    ...rest,
    meta: { ...(meta ?? {}), dependOn: contextKey },
    invoke: {
      id: contextKey,
      src: contextKey,
      input: (args: XStateArgs) => (input ? resolve(input, args) : {}),
      onDone: doneTransitions,
      // A child that crashed becomes a failure escape here: never a crashed conversation.
      onError: {
        actions: failureOnError('CONTEXT_FAILED', contextKey, { context: contextKey, stage: '(crashed)' }),
        meta: { generated: true } satisfies ParleyMeta,
      },
    },
    on: {
      turn: [...captured, { actions: { type: 'parley.forwardToChild', params: { child: contextKey } } }],
      ...(on ?? {}),
    },
  };
  return stage;
}

/**
 * A final stage: the context ends with `{ status, ...output }`, delivered to whoever depends on it.
 *
 * @example
 * paid: finish('done', ({ context }) => ({ flavor: context.flavor }))
 */
export function finish<TData = unknown, TResult extends object = Record<string, unknown>>(
  status: ResultStatus = 'done',
  output?: Dynamic<TResult, TData>,
): StageConfig<TData> {
  return {
    type: 'final',
    meta: { result: status } satisfies ParleyMeta,
    output: (args: XStateArgs) => ({ ...(output ? resolve(output, args) : {}), status }),
  };
}

/**
 * A stage where the thread yields: it leaves focus (the user chats elsewhere) until an external event it handles
 * arrives, e.g. `on: { 'ext.payment.confirmed': 'paid' }`. When it resumes it waits on the blocking stack and takes
 * focus at the user's next message.
 */
export function yieldUntil<TData = unknown>(config: StageConfig<TData>): StageConfig<TData> {
  const { entry, exit, tags, ...rest } = config;
  const bubble = (type: string) =>
    sendParent(({ self }) => ({ type: 'bubble', event: { type }, from: self.id })) as unknown as never;
  return {
    ...rest,
    tags: [YIELD_TAG, ...toArray(tags)],
    entry: [bubble('thread.yield'), ...toArray(entry)],
    exit: [bubble('thread.resume'), ...toArray(exit)],
  };
}

function toArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

/**
 * The usual home context: always present, asking nothing of its own; its quiet question is asked again whenever a
 * task ends and nothing sleeps.
 *
 * @example
 * defineBot({ home: 'home', contexts: [homeContext({ prompt: 'Anything else?' }), order] })
 */
export function homeContext(options: { prompt: Dynamic<string>; id?: string; description?: string }) {
  return defineContext({
    id: options.id ?? 'home',
    description: options.description,
    initial: 'idle',
    stages: { idle: ask({ prompt: options.prompt, quiet: true }) },
  });
}
