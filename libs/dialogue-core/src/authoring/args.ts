import type { Entity } from '../ports/nlu.port';
import { currentTurn } from '../runtime/turn-scope';
import type { Action, DialogueArgs, DialogueEvent, Dynamic, EntityTypes } from './authoring.types';

export type { DialogueArgs, Dynamic } from './authoring.types';

/** What XState hands to actions and guards (the part Parley reads). */
export interface XStateArgs {
  context: unknown;
  event: unknown;
}

/** The dialogue arguments of the running turn, for XState's action or guard arguments. */
export function dialogueArgs<TData, TEvent, TMemory>(xstateArgs: XStateArgs): DialogueArgs<TData, TEvent, TMemory> {
  const turn = currentTurn();
  return {
    context: xstateArgs.context as TData,
    event: xstateArgs.event as TEvent,
    memory: turn.view as TMemory,
    now: turn.clock.now(),
  };
}

export function resolve<T>(value: Dynamic<T, never, never, never>, xstateArgs: XStateArgs): T {
  return typeof value === 'function'
    ? (value as (args: DialogueArgs<unknown, unknown, unknown>) => T)(dialogueArgs(xstateArgs))
    : value;
}

/** An XState action (or action object) as a typed Parley action. */
export function asAction<TData, TEvent = DialogueEvent>(action: unknown): Action<TData, TEvent> {
  return action as Action<TData, TEvent>;
}

/**
 * Use an XState action as it is (e.g. `raise(...)`), where Parley's helpers do not cover what you need. It runs with
 * XState's arguments, not the dialogue arguments.
 *
 * @example
 * actions: xstateAction(raise({ type: 'tick' }))
 */
export function xstateAction<TData = unknown, TEvent = DialogueEvent>(action: unknown): Action<TData, TEvent> {
  return asAction(action);
}

/**
 * The value of the first entity called `name` in an intent event, or undefined. In a kit made with typed entities
 * (`botKit<{ entities: … }>()`), the name is checked and the value typed.
 *
 * @example
 * guard: when(({ event }) => entity(event, 'flavor') === '苹果')
 */
export function entity<TEntities extends EntityTypes = EntityTypes, K extends keyof TEntities & string = string>(
  event: unknown,
  name: K,
): TEntities[K] | undefined {
  const entities = (event as { entities?: readonly Entity[] } | undefined)?.entities;
  return entities?.find((e) => e.name === name)?.value as TEntities[K] | undefined;
}

/** True when the event carries an entity called `name`. */
export function hasEntity(event: unknown, name: string): boolean {
  return entity(event, name) !== undefined;
}
