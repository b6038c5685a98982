import type { Entity } from '../ports/nlu.port';
import { currentTurn } from '../runtime/turn-scope';
import type { MemoryView } from './memory';

/** What a bot author's guards, actions and prompts receive. */
export interface DialogueArgs<TContext = any> {
  context: TContext;
  /** The event being handled: an `intent.*`, `escape.*`, `ext.*` event, or a child's `xstate.done.actor.*`. */
  event: any;
  /** User- and conversation-scoped memory (read-only here; write with `remember()`). */
  memory: MemoryView;
  /** "Now", from the turn's clock. */
  now: Date;
}

/** A value, or a function of the dialogue arguments that computes it. */
export type Dynamic<T, TContext = any> = T | ((args: DialogueArgs<TContext>) => T);

export function dialogueArgs(xstateArgs: { context: any; event: any }): DialogueArgs {
  const turn = currentTurn();
  return { context: xstateArgs.context, event: xstateArgs.event, memory: turn.view, now: turn.clock.now() };
}

export function resolve<T>(value: Dynamic<T>, xstateArgs: { context: any; event: any }): T {
  return typeof value === 'function' ? (value as (a: DialogueArgs) => T)(dialogueArgs(xstateArgs)) : value;
}

/**
 * The value of the first entity called `name` in an intent event, or undefined.
 *
 * @example
 * guard: ({ event }) => entity(event, 'flavor') === '苹果'
 */
export function entity(event: { entities?: Entity[] } | undefined, name: string): string | number | undefined {
  return event?.entities?.find((e) => e.name === name)?.value;
}

/** True when the event carries an entity called `name`. */
export function hasEntity(event: { entities?: Entity[] } | undefined, name: string): boolean {
  return entity(event, name) !== undefined;
}
