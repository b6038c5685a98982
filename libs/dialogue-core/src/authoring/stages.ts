import { and, raise, sendParent } from 'xstate';
import { dialogueArgs, resolve, type DialogueArgs, type Dynamic } from './args';
import type { ContextResult } from '../types';
import { say } from './actions';
import { failureOnError } from './transitions';

/** An XState transition config (or list of them), as bot authors write it. */
export type Transition = string | Record<string, any> | readonly (string | Record<string, any>)[];

/** A stage: an XState state config, plus the optional escape handlers `onCancel`/`onReject`/`onFailure`/`onQuit`. */
export type StageConfig = Record<string, any>;

/** Marks the state nodes that ask a question; the engine re-asks `meta.prompt` after a fallback, back step or miss. */
export const QUESTION_TAG = 'parley.question';
export const YIELD_TAG = 'parley.yielding';

/**
 * A guard written against the dialogue arguments (context, event, memory, now).
 *
 * @example
 * { guard: when(({ memory }) => memory.customer?.member === true), target: 'paying' }
 */
export function when(predicate: (args: DialogueArgs) => boolean) {
  return (args: any) => predicate(dialogueArgs(args));
}

/**
 * A stage that asks a question and waits for the answer. The prompt is data, so the engine can re-ask it.
 * `quiet: true` does not say it on entry (only on re-asks), e.g. for the home context's idle stage.
 *
 * @example
 * askingIce: ask({
 *   prompt: '要加冰吗?',
 *   on: { 'intent.affirm': { target: 'askingPackage', actions: update({ ice: true }) } },
 * })
 */
export function ask(config: { prompt: Dynamic<string>; quiet?: boolean } & StageConfig): StageConfig {
  const { prompt, quiet, entry, on, tags, meta, ...rest } = config;
  return {
    ...rest,
    tags: [QUESTION_TAG, ...toArray(tags)],
    meta: { ...(meta ?? {}), prompt },
    entry: [...(quiet ? [] : [say(prompt)]), ...toArray(entry)],
    // A question asked here keeps the turn, even inside a stage that hosts a sub-context (a "modal" question).
    on: { turn: { actions: 'parley.deliverToSelf' }, ...(on ?? {}) },
  };
}

/** What to do with each kind of result of a `dependOn` child. Missing kinds escalate as escapes at this level. */
export interface DependOnResults {
  done?: Transition;
  cancelled?: Transition;
  rejected?: Transition;
  failed?: Transition;
}

const RESULT_ESCAPES: Record<Exclude<ContextResult['status'], 'done'>, string> = {
  cancelled: 'escape.cancel',
  rejected: 'escape.reject',
  failed: 'escape.failure',
};

/**
 * A stage that starts the context `contextKey` and waits for its result (`dependOn → intended`). User turns go to the
 * child first; what it does not handle bubbles back here. The child's output arrives in `onDone` per result status.
 *
 * @example
 * offeringMembership: dependOn('member', {
 *   input: { mode: 'offer' },
 *   onDone: { done: { target: 'paying', actions: update(({ event }) => ({ member: event.output.member })) } },
 * })
 */
export function dependOn(
  contextKey: string,
  config: {
    input?: Dynamic<Record<string, unknown>>;
    onDone?: DependOnResults;
    /** Intents this stage handles itself before the child sees them (capture phase). */
    capture?: readonly string[];
  } & StageConfig = {},
): StageConfig {
  const { input, onDone, capture, on, meta, ...rest } = config;
  const results = onDone ?? {};
  const doneTransitions: Record<string, any>[] = [];
  for (const status of ['done', 'cancelled', 'rejected', 'failed'] as const) {
    const handler = results[status];
    const isStatus = ({ event }: any) => (event.output as ContextResult | undefined)?.status === status;
    if (handler !== undefined) {
      for (const t of toArray(handler)) {
        const transition = typeof t === 'string' ? { target: t } : t;
        // The author's own guard (inline or named) applies on top of the status check.
        doneTransitions.push({ ...transition, guard: transition.guard ? and([isStatus, transition.guard]) : isStatus });
      }
    } else if (status !== 'done') {
      doneTransitions.push({ guard: isStatus, actions: raise({ type: RESULT_ESCAPES[status] } as any) });
    }
  }
  const captured = (capture ?? []).map((type) => ({
    guard: ({ event }: any) => event.event?.type === type,
    actions: 'parley.deliverToSelf',
  }));
  return {
    ...rest,
    meta: { ...(meta ?? {}), dependOn: contextKey },
    invoke: {
      id: contextKey,
      src: contextKey,
      input: (args: any) => (input ? resolve(input, args) : {}),
      onDone: doneTransitions,
      // A child that crashed becomes a failure escape here: never a crashed conversation.
      onError: { actions: failureOnError('CONTEXT_FAILED', contextKey, { context: contextKey, stage: '(crashed)' }) },
    },
    on: {
      turn: [...captured, { actions: { type: 'parley.forwardToChild', params: { child: contextKey } } }],
      ...(on ?? {}),
    },
  };
}

/**
 * A final stage: the context ends with `{ status, ...output }`, delivered to whoever depends on it.
 *
 * @example
 * paid: finish('done', ({ context }) => ({ flavor: context.flavor }))
 */
export function finish(
  status: ContextResult['status'] = 'done',
  output?: Dynamic<Record<string, unknown>>,
): StageConfig {
  return {
    type: 'final',
    output: (args: any) => ({ ...(output ? resolve(output, args) : {}), status }),
  };
}

/**
 * A stage where the thread yields: it leaves focus (the user chats elsewhere) until an external event it handles
 * arrives, e.g. `on: { 'ext.payment.confirmed': 'paid' }`. When it resumes it waits on the blocking stack and takes
 * focus at the user's next message.
 */
export function yieldUntil(config: StageConfig): StageConfig {
  const { entry, exit, tags, ...rest } = config;
  return {
    ...rest,
    tags: [YIELD_TAG, ...toArray(tags)],
    entry: [
      sendParent(({ self }: any) => ({ type: 'bubble', event: { type: 'thread.yield' }, from: self.id })),
      ...toArray(entry),
    ],
    exit: [
      sendParent(({ self }: any) => ({ type: 'bubble', event: { type: 'thread.resume' }, from: self.id })),
      ...toArray(exit),
    ],
  };
}

function toArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

