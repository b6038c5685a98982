import { raise } from 'xstate';
import { record } from '../runtime/turn-scope';
import { resolve, type Dynamic } from './args';
import { say } from './actions';
import { withThreadTarget } from './check-bot';

/** Action: ask the pending question again at the end of the turn. */
export const reask = record({ type: 'parley.reask' });

/**
 * Bot-wide intent or external event handler: open (or wake) a thread and give it focus; the focused thread sleeps.
 * The triggering event reaches the new context as `input.trigger`, so it can take slots said early.
 *
 * @example
 * intents: { 'order.juice': openThread('order'), 'order.resume': openThread('order') }
 */
export function openThread(thread: string) {
  const action = raise(({ event }: any) => ({
    type: 'thread.open',
    target: thread,
    mode: 'sleep',
    input: { trigger: event },
  }));
  return { actions: withThreadTarget(action, thread) } as any;
}

/**
 * Bot-wide intent handler: answer, then re-ask the pending question.
 *
 * @example
 * intents: { help: reply('我可以帮您买果汁、查天气、办会员。') }
 */
export function reply(text: Dynamic<string>) {
  return { actions: [say(text), reask] } as any;
}

/** External event handler: push a message to the user (delivered through the outbox). */
export function push(text: Dynamic<string>) {
  return { actions: say(text) } as any;
}

/**
 * External event handler: start `thread` (or move it, if running) onto the blocking stack. Its question is pushed now;
 * it takes focus when the user's next message arrives, and the focused thread goes to sleep.
 */
export function blockThread(thread: string, input?: Dynamic<Record<string, unknown>>) {
  const action = raise((args: any) => ({
    type: 'thread.block',
    target: thread,
    input: { trigger: args.event, ...(input ? resolve(input, args) : {}) },
  }));
  return { actions: withThreadTarget(action, thread) } as any;
}
