import { raise } from 'xstate';
import { record } from '../runtime/turn-scope';
import type { ExternalEvent, IntentEvent } from '../types';
import { asAction, resolve, type XStateArgs } from './args';
import type { Action, Dynamic, TransitionConfig } from './authoring.types';
import { say } from './actions';
import { withThreadTarget } from './check-bot';
import type { ParleyMeta } from './stages';

/** Action: ask the pending question again at the end of the turn. */
export const reask = record({ type: 'parley.reask' });

/** A bot-wide intent handler: what `openThread`, `reply` return, or a transition of the process. */
export type IntentHandler = TransitionConfig<unknown, IntentEvent>;
/** An external event handler: what `push`, `blockThread`, `openThread` return, or a transition of the process. */
export type EventHandler = TransitionConfig<unknown, ExternalEvent>;

/**
 * Bot-wide intent or external event handler: open (or wake) a thread and give it focus; the focused thread sleeps.
 * The triggering event reaches the new context as `input.trigger`, so it can take slots said early.
 *
 * @example
 * intents: { 'order.juice': openThread('order'), 'order.resume': openThread('order') }
 */
export function openThread(thread: string): { actions: Action<unknown, IntentEvent & ExternalEvent>; meta: ParleyMeta } {
  const action = raise(({ event }: XStateArgs) => ({
    type: 'thread.open',
    target: thread,
    mode: 'sleep',
    input: { trigger: event },
  }));
  return { actions: asAction(withThreadTarget(action, thread)), meta: { opensThread: thread } satisfies ParleyMeta };
}

/**
 * Bot-wide intent handler: answer, then re-ask the pending question.
 *
 * @example
 * intents: { help: reply('我可以帮您买果汁、查天气、办会员。') }
 */
export function reply(text: Dynamic<string, unknown, IntentEvent>): IntentHandler {
  return { actions: [say(text), asAction(reask)], meta: { replies: true } satisfies ParleyMeta };
}

/** External event handler: push a message to the user (delivered through the outbox). */
export function push(text: Dynamic<string, unknown, ExternalEvent>): EventHandler {
  return { actions: say(text), meta: { replies: true } satisfies ParleyMeta };
}

/**
 * External event handler: start `thread` (or move it, if running) onto the blocking stack. Its question is pushed now;
 * it takes focus when the user's next message arrives, and the focused thread goes to sleep.
 */
export function blockThread(thread: string, input?: Dynamic<Record<string, unknown>, unknown, ExternalEvent>): EventHandler {
  const action = raise((args: XStateArgs) => ({
    type: 'thread.block',
    target: thread,
    input: { trigger: args.event, ...(input ? resolve(input, args) : {}) },
  }));
  return { actions: asAction(withThreadTarget(action, thread)), meta: { blocksThread: thread } satisfies ParleyMeta };
}
