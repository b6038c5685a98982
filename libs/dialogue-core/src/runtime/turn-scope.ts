import { AsyncLocalStorage } from 'node:async_hooks';
import { DialogueError } from '../errors';
import type { ClockPort } from '../ports/clock.port';
import type { Json, MemoryPort } from '../ports/memory.port';
import type { ConversationEvent, Effect, EscapeKind, TurnProblem } from '../types';
import type { EscapeTrail } from './events';
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
  /** Transitions taken so far in this turn, and the bound (`TurnOptions.maxTransitions`; raised after an overrun). */
  steps: number;
  maxSteps: number;
  stepLimit: number;
  /** What went wrong inside the turn and was turned into a failure escape (for the host's log). */
  problems: TurnProblem[];
  /** What happened that other systems may want to hear about (`TurnResult.events`), in order. */
  events: ConversationEvent[];
  /** Escapes under way in this turn, by kind (see `events.ts`). */
  escapes: Map<EscapeKind, EscapeTrail>;
}

/**
 * Typed events machines record into the turn: `reply` (a message to the user), `parley.reask` (ask the pending
 * question again at the end of the turn), `parley.notUnderstood`.
 */
export type TurnEvent =
  | { type: 'reply'; text: string; choices?: readonly string[] }
  | { type: 'parley.reask' }
  | { type: 'parley.notUnderstood' };

/** XState action: record a turn event. Synchronous and ordered with the rest of the transition's actions. */
export function record(event: TurnEvent | ((args: any) => TurnEvent)) {
  return (args: any) => {
    currentTurn().emitted.push(typeof event === 'function' ? event(args) : event);
  };
}

/** Default bound on transitions in one turn (`TurnOptions.maxTransitions`). */
export const DEFAULT_MAX_TRANSITIONS = 1000;

/** A fresh scope for one turn (or one read-only look at a conversation). */
export function createTurnScope(
  fields: Omit<TurnScope, 'effects' | 'emitted' | 'steps' | 'maxSteps' | 'stepLimit' | 'problems' | 'events' | 'escapes'>,
  maxTransitions = DEFAULT_MAX_TRANSITIONS,
): TurnScope {
  return {
    ...fields,
    effects: [],
    emitted: [],
    steps: 0,
    maxSteps: maxTransitions,
    stepLimit: maxTransitions,
    problems: [],
    events: [],
    escapes: new Map(),
  };
}

const storage = new AsyncLocalStorage<TurnScope>();

export function runInTurnScope<T>(scope: TurnScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/**
 * The scope of the turn being processed. Outside a turn there is none, and reading it is a bug in the caller (a tool
 * that runs machines must do so through `runTurn`, or `runInTurnScope` with a scope of its own): never a silent
 * stand-in whose clock reads 1970.
 */
export function currentTurn(): TurnScope {
  const scope = storage.getStore();
  if (!scope) {
    throw new DialogueError(
      'ENGINE_FAILURE',
      'A dialogue action, guard or prompt ran outside a turn. Run machines through runTurn() (or runInTurnScope()).',
    );
  }
  return scope;
}
