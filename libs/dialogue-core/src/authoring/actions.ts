import { assign, raise, sendParent } from 'xstate';
import type { Json } from '../ports/memory.port';
import { currentTurn, record } from '../runtime/turn-scope';
import type { EscapeKind } from '../types';
import { dialogueArgs, resolve, type DialogueArgs, type Dynamic } from './args';
import { withThreadTarget } from './check-bot';
import { scopeKey } from './memory';

/**
 * Say something: the text leaves the machine as a typed `{ type: 'reply' }` event recorded into the turn.
 *
 * @example
 * entry: say(({ context }) => `请付${context.price}元`)
 */
export function say(text: Dynamic<string>) {
  return record((args: any) => ({ type: 'reply', text: resolve(text, args) })) as any;
}

/**
 * Change the context's own data (plain JSON), like XState's `assign`, with `memory` in the arguments.
 *
 * @example
 * actions: update(({ event }) => ({ flavor: entity(event, 'flavor') }))
 */
export function update(patch: Dynamic<Record<string, unknown>>) {
  return assign((args: any) => resolve(patch, args)) as any;
}

/**
 * Remember a value in scoped memory. The write is applied to this turn's view at once and returned to the host
 * as a `memory.write` effect, stored in the turn's transaction.
 *
 * @example
 * actions: remember('customer', ({ memory }) => ({ ...memory.customer, member: true }))
 */
export function remember(
  name: string,
  data: Json | ((args: DialogueArgs) => unknown),
  dimensions?: Dynamic<Record<string, string | number>>,
) {
  return (args: any) => {
    const turn = currentTurn();
    const value = resolve(data as Dynamic<unknown>, args) as Json;
    const scope = scopeKey(turn.catalog, name, turn, dimensions ? resolve(dimensions, args) : {});
    if (!dimensions) turn.view[name] = value;
    turn.effects.push({ type: 'memory.write', scope, name, data: value });
  };
}

/**
 * Start an escape (`cancel`, `reject`, `failure`, `quit`) at this context. It bubbles to the contexts that depend on
 * this one, innermost first; any of them may intercept it with `onCancel`/`onReject`/`onFailure`/`onQuit`.
 */
export function escape(kind: EscapeKind, reason?: string) {
  return raise({ type: `escape.${kind}`, reason } as any) as any;
}

/**
 * Let an escape go on to the caller, marked as announced (the root then adds no default message).
 * In an escape handler, `propagate()` passes the escape being handled; elsewhere (e.g. after the user confirmed
 * "stop?") name it: `propagate('cancel')`.
 *
 * @example
 * onCancel: { actions: [say('好的, 您的订单已取消'), propagate()] }
 */
export function propagate(kind?: EscapeKind) {
  return sendParent(({ event, self }: any) => ({
    type: 'bubble',
    event: kind ? { type: `escape.${kind}`, announced: true } : { ...event, announced: true },
    from: self.id,
  })) as any;
}

/** Put this thread to sleep and give focus to `thread` (started, or woken if it sleeps). */
export function sleepTo(thread: string, input?: Dynamic<Record<string, unknown>>) {
  return openThreadFrom(thread, 'sleep', input);
}

/** Replace this thread by `thread`: this one ends without falling back, the new one takes focus. */
export function replaceTo(thread: string, input?: Dynamic<Record<string, unknown>>) {
  return openThreadFrom(thread, 'replace', input);
}

/** A request to the process machine, bubbling up from the context that makes it. */
function openThreadFrom(thread: string, mode: 'sleep' | 'replace', input?: Dynamic<Record<string, unknown>>) {
  const action = raise((args: any) => ({
    type: 'thread.open',
    target: thread,
    mode,
    input: input ? resolve(input, args) : {},
  }));
  return withThreadTarget(action, thread) as any;
}

/**
 * Ask the host to deliver `event` to this conversation later (a durable timer: survives restarts, fires once).
 * The event arrives as `ext.<type>`.
 */
export function schedule(options: {
  inMs: number;
  event: Dynamic<{ type: string; [key: string]: unknown }>;
  key?: string;
}) {
  return (args: any) => {
    const turn = currentTurn();
    const at = new Date(turn.clock.now().getTime() + options.inMs).toISOString();
    turn.effects.push({ type: 'schedule', at, event: resolve(options.event, args), key: options.key });
  };
}

/** Ask the host to call a third-party service after the turn commits. */
export function call(service: string, input: Dynamic<Json>) {
  return (args: any) => {
    currentTurn().effects.push({ type: 'call', service, input: resolve(input, args) });
  };
}

/** Run any function with the dialogue arguments (for effects the helpers above do not cover). */
export function run(fn: (args: ReturnType<typeof dialogueArgs>) => void) {
  return (args: any) => fn(dialogueArgs(args));
}
