import type { AnyActorRef } from 'xstate';
import type { ContextResult, ConversationEvent, EscapeKind } from '../types';
import { currentTurn, type TurnScope } from './turn-scope';
import { parentOf } from './xstate.seam';

/**
 * How `TurnResult.events` are derived: the statecharts call these as they run (actions Parley adds to every escape
 * handler, the bubbling plumbing, final stages and the process's thread handling), and the turn closes what is still
 * open when it ends. An escape is followed from the context that first saw it, up the levels it bubbles through, to
 * the level that stops it (a handler that does not `propagate()`) or the top of its thread.
 */
export interface EscapeTrail {
  /** The context that first saw it, and the last one that did. */
  origin: string;
  last: string;
  /** True while it is on its way up (bubbled or propagated, not yet seen by the next level). */
  moving: boolean;
}

export function escapeKindOf(type: unknown): EscapeKind | undefined {
  if (typeof type !== 'string' || !type.startsWith('escape.')) return undefined;
  const kind = type.slice(7);
  return kind === 'cancel' || kind === 'reject' || kind === 'failure' || kind === 'quit' ? kind : undefined;
}

/** A level (context) took a transition for an escape. */
export function escapeSeen(context: string, kind: EscapeKind, turn: TurnScope = currentTurn()): void {
  const open = turn.escapes.get(kind);
  if (open?.moving) {
    open.last = context;
    open.moving = false;
    return;
  }
  // A new escape of the same kind: the one before it was stopped where it was last seen.
  if (open) closeEscape(turn, kind, open, open.last);
  turn.escapes.set(kind, { origin: context, last: context, moving: false });
}

/** The escape goes on to the level above `context` (bubbled, `propagate()`, a confirmed `confirm()`). */
export function escapeBubbled(context: string, kind: EscapeKind, turn: TurnScope = currentTurn()): void {
  const open = turn.escapes.get(kind);
  if (open) open.moving = true;
  else turn.escapes.set(kind, { origin: context, last: context, moving: true });
}

/** A `confirm()` holds the escape for a yes/no: it is not over (and a "yes" next turn starts it again from there). */
export function escapeHeld(kind: EscapeKind, turn: TurnScope = currentTurn()): void {
  turn.escapes.delete(kind);
}

/** The escape was stopped at `context` (a "no" to a `confirm()`). */
export function escapeStopped(context: string, kind: EscapeKind, turn: TurnScope = currentTurn()): void {
  const open = turn.escapes.get(kind);
  turn.escapes.delete(kind);
  turn.events.push({ type: 'escape', kind, context: open?.origin ?? context, handledBy: context });
}

/** The escape reached the top of `thread`: nobody stopped it. */
export function escapeAtTop(thread: string, kind: EscapeKind, turn: TurnScope = currentTurn()): void {
  const open = turn.escapes.get(kind);
  turn.escapes.delete(kind);
  turn.events.push({ type: 'escape', kind, context: open?.origin ?? thread });
}

/** End of the turn: an escape last seen by a level and not passed on was stopped there. */
export function closeEscapes(turn: TurnScope): void {
  for (const [kind, open] of turn.escapes) closeEscape(turn, kind, open, open.moving ? undefined : open.last);
  turn.escapes.clear();
}

function closeEscape(turn: TurnScope, kind: EscapeKind, open: EscapeTrail, handledBy: string | undefined): void {
  turn.escapes.delete(kind);
  turn.events.push({ type: 'escape', kind, context: open.origin, ...(handledBy !== undefined ? { handledBy } : {}) });
}

/** A context ended with `result`; `self` is its actor (its thread is found from it) or the thread's name. */
export function contextFinished(context: string, where: AnyActorRef | string, result: ContextResult): void {
  const thread = typeof where === 'string' ? where : threadOfActor(where);
  recordEvent({ type: 'context.finished', context, ...(thread ? { thread } : {}), result });
}

/**
 * Record an event. An escape a level holds without passing it on was stopped there before this happened (its
 * handler is what led here): it is reported first, so the events keep their order.
 */
export function recordEvent(event: ConversationEvent, turn: TurnScope = currentTurn()): void {
  for (const [kind, open] of turn.escapes) if (!open.moving) closeEscape(turn, kind, open, open.last);
  turn.events.push(event);
}

/** The thread an actor runs in: the id of its ancestor just under the process (the root). */
function threadOfActor(actor: AnyActorRef): string | undefined {
  let current = actor;
  for (let parent = parentOf(current); parent; parent = parentOf(current)) {
    if (!parentOf(parent)) return current.id;
    current = parent;
  }
  return undefined;
}
