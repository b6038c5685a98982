import { assign, enqueueActions, raise } from 'xstate';
import { escapeBubbled, escapeKindOf } from '../runtime/events';
import type { Json } from '../ports/memory.port';
import { currentTurn, record } from '../runtime/turn-scope';
import type { EscapeKind } from '../types';
import { asAction, dialogueArgs, resolve, type XStateArgs } from './args';
import type { Action, DialogueArgs, DialogueEvent, Dynamic } from './authoring.types';
import { withThreadTarget } from './check-bot';
import type { MemoryView } from './memory';
import { scopeKey } from './memory';

/**
 * Say something: the text leaves the machine as a typed `{ type: 'reply' }` event recorded into the turn.
 *
 * @example
 * entry: say(({ context }) => `请付${context.price}元`)
 */
export function say<TData = unknown, TEvent = DialogueEvent, TMemory = MemoryView>(
  text: Dynamic<string, TData, TEvent, TMemory>,
): Action<TData, TEvent> {
  return asAction(record((args: XStateArgs) => ({ type: 'reply', text: resolve(text, args) })));
}

/** Say a question with the answers it offers (`ask`'s entry): the reply carries `choices` when there are any. */
export function sayQuestion<TData = unknown, TMemory = MemoryView>(
  text: Dynamic<string, TData, DialogueEvent, TMemory>,
  choices?: Dynamic<readonly string[], TData, DialogueEvent, TMemory>,
): Action<TData> {
  return asAction(
    record((args: XStateArgs) => {
      const offered = choices === undefined ? undefined : resolve(choices, args);
      return { type: 'reply', text: resolve(text, args), ...(offered?.length ? { choices: [...offered] } : {}) };
    }),
  );
}

/**
 * Change the context's own data (plain JSON), like XState's `assign`, with `memory` in the arguments.
 *
 * @example
 * actions: update(({ event }) => ({ flavor: entity(event, 'flavor') }))
 */
export function update<TData = unknown, TEvent = DialogueEvent, TMemory = MemoryView>(
  patch: Dynamic<Partial<TData>, TData, TEvent, TMemory>,
): Action<TData, TEvent> {
  return asAction(assign((args: XStateArgs) => resolve(patch, args) as Record<string, unknown>));
}

/**
 * Remember a value in scoped memory. The write is applied to this turn's view at once and returned to the host
 * as a `memory.write` effect, stored in the turn's transaction.
 *
 * @example
 * actions: remember('customer', ({ memory }) => ({ ...memory.customer, member: true }))
 */
export function remember<TData = unknown, TEvent = DialogueEvent, TMemory = MemoryView>(
  name: string,
  data: Dynamic<Json, TData, TEvent, TMemory>,
  dimensions?: Dynamic<Record<string, string | number>, TData, TEvent, TMemory>,
): Action<TData, TEvent> {
  return asAction((args: XStateArgs) => {
    const turn = currentTurn();
    const value = resolve(data, args);
    const scope = scopeKey(turn.catalog, name, turn, dimensions ? resolve(dimensions, args) : {});
    if (!dimensions) turn.view[name] = value;
    turn.effects.push({ type: 'memory.write', scope, name, data: value });
  });
}

/**
 * Start an escape (`cancel`, `reject`, `failure`, `quit`) at this context. It bubbles to the contexts that depend on
 * this one, innermost first; any of them may intercept it with `onCancel`/`onReject`/`onFailure`/`onQuit`.
 */
export function escape<TData = unknown, TEvent = DialogueEvent>(kind: EscapeKind, reason?: string): Action<TData, TEvent> {
  return asAction(raise({ type: `escape.${kind}`, reason } as { type: string }));
}

/**
 * Let an escape go on to the caller, marked as announced (the root then adds no default message).
 * In an escape handler, `propagate()` passes the escape being handled; elsewhere (e.g. after the user confirmed
 * "stop?") name it: `propagate('cancel')`.
 *
 * @example
 * onCancel: { actions: [say('好的, 您的订单已取消'), propagate()] }
 */
export function propagate<TData = unknown, TEvent = DialogueEvent>(kind?: EscapeKind): Action<TData, TEvent> {
  return asAction(
    enqueueActions(({ event, self, enqueue }) => {
      const going = kind ?? escapeKindOf(event.type);
      if (going) escapeBubbled(self.id, going);
      enqueue.sendParent({
        type: 'bubble',
        event: kind ? { type: `escape.${kind}`, announced: true } : { ...event, announced: true },
        from: self.id,
      });
    }),
  );
}

/** Put this thread to sleep and give focus to `thread` (started, or woken if it sleeps). */
export function sleepTo<TData = unknown, TEvent = DialogueEvent>(
  thread: string,
  input?: Dynamic<Record<string, unknown>, TData, TEvent>,
): Action<TData, TEvent> {
  return openThreadFrom(thread, 'sleep', input);
}

/** Replace this thread by `thread`: this one ends without falling back, the new one takes focus. */
export function replaceTo<TData = unknown, TEvent = DialogueEvent>(
  thread: string,
  input?: Dynamic<Record<string, unknown>, TData, TEvent>,
): Action<TData, TEvent> {
  return openThreadFrom(thread, 'replace', input);
}

/** A request to the process machine, bubbling up from the context that makes it. */
function openThreadFrom<TData, TEvent>(
  thread: string,
  mode: 'sleep' | 'replace',
  input?: Dynamic<Record<string, unknown>, TData, TEvent>,
): Action<TData, TEvent> {
  const action = raise((args: XStateArgs) => ({
    type: 'thread.open',
    target: thread,
    mode,
    input: input ? resolve(input, args) : {},
  }));
  return asAction(withThreadTarget(action, thread));
}

/**
 * Ask the host to deliver `event` to this conversation later (a durable timer: survives restarts, fires once).
 * The event arrives as `ext.<type>`.
 */
export function schedule<TData = unknown, TEvent = DialogueEvent>(options: {
  inMs: number;
  event: Dynamic<{ type: string; [key: string]: unknown }, TData, TEvent>;
  key?: string;
}): Action<TData, TEvent> {
  return asAction((args: XStateArgs) => {
    const turn = currentTurn();
    const at = new Date(turn.clock.now().getTime() + options.inMs).toISOString();
    turn.effects.push({ type: 'schedule', at, event: resolve(options.event, args), key: options.key });
  });
}

/** Ask the host to call a third-party service after the turn commits. */
export function call<TData = unknown, TEvent = DialogueEvent>(
  service: string,
  input: Dynamic<Json, TData, TEvent>,
): Action<TData, TEvent> {
  return asAction((args: XStateArgs) => {
    currentTurn().effects.push({ type: 'call', service, input: resolve(input, args) });
  });
}

/** Run any function with the dialogue arguments (for effects the helpers above do not cover). */
export function run<TData = unknown, TEvent = DialogueEvent, TMemory = MemoryView>(
  fn: (args: DialogueArgs<TData, TEvent, TMemory>) => void,
): Action<TData, TEvent> {
  return asAction((args: XStateArgs) => fn(dialogueArgs(args)));
}

/**
 * Hand the conversation to a human: `say` (if given) is the bot's last word; from then on the conversation is held —
 * user messages are recorded, but the bot replies nothing and no stage reacts — until the admin API returns it to
 * the bot (`POST /api/conversations/:id/handoff/return`). Then the stage's `onReturn` runs, if it has one, and the
 * pending question is asked again. External events and timers still reach the conversation while it is held.
 *
 * @example
 * 'intent.human': { actions: handoff({ reason: 'asked for a person', say: '好的, 正在为您转人工客服, 请稍候。' }) }
 */
export function handoff<TData = unknown, TEvent = DialogueEvent, TMemory = MemoryView>(options: {
  reason?: Dynamic<string, TData, TEvent, TMemory>;
  say?: Dynamic<string, TData, TEvent, TMemory>;
} = {}): Action<TData, TEvent> {
  const { reason, say: text } = options;
  return asAction(
    enqueueActions(({ context, event, enqueue }) => {
      const args: XStateArgs = { context, event };
      if (text !== undefined) currentTurn().emitted.push({ type: 'reply', text: resolve(text, args) });
      // Bubbles up the thread to the process, which holds the conversation.
      enqueue.raise({ type: 'thread.handoff', ...(reason !== undefined ? { reason: resolve(reason, args) } : {}) });
    }),
  );
}
