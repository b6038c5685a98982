import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClockPort } from '../ports/clock.port';
import type { Json, MemoryPort } from '../ports/memory.port';
import type { Effect } from '../types';
import type { MemoryCatalog } from '../authoring/memory';

/** Services a bot may call from invoked actors: `name → async function`. */
export type Services = Record<string, (input: any) => Promise<unknown>>;

/**
 * Everything a running turn may read or record, handed to guards, actions and invoked actors through
 * AsyncLocalStorage so that machine `context` stays plain JSON and machines are built once per bot, not per turn.
 */
export interface TurnScope {
  conversationId: string;
  userId: string;
  catalog: MemoryCatalog;
  /** User- and conversation-scoped memory, loaded before the turn and updated by `remember()` during it. */
  view: Record<string, Json | undefined>;
  memoryPort: MemoryPort;
  clock: ClockPort;
  services: Services;
  effects: Effect[];
  /** What the machines said during the turn, in order: replies and the engine's markers. */
  emitted: TurnEvent[];
}

/**
 * Typed events machines record into the turn: `reply` (a message to the user), `parley.reask` (ask the pending
 * question again at the end of the turn), `parley.notUnderstood`.
 */
export type TurnEvent = { type: 'reply'; text: string } | { type: 'parley.reask' } | { type: 'parley.notUnderstood' };

/** XState action: record a turn event. Synchronous and ordered with the rest of the transition's actions. */
export function record(event: TurnEvent | ((args: any) => TurnEvent)) {
  return (args: any) => {
    currentTurn().emitted.push(typeof event === 'function' ? event(args) : event);
  };
}

const storage = new AsyncLocalStorage<TurnScope>();

export function runInTurnScope<T>(scope: TurnScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the turn being processed. Outside a turn (e.g. graph traversal) an empty scope is used. */
export function currentTurn(): TurnScope {
  return storage.getStore() ?? detachedScope();
}

function detachedScope(): TurnScope {
  return {
    conversationId: 'detached',
    userId: 'detached',
    catalog: { bot: 'detached', declarations: {} },
    view: {},
    memoryPort: { read: async (addresses) => addresses.map(() => undefined) },
    clock: { now: () => new Date(0) },
    services: {},
    effects: [],
    emitted: [],
  };
}
