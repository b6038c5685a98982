import type { ParleyMeta } from '@parley/dialogue-core';
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';

/** Event types of Parley's routing between levels (never an author's). */
const ROUTING_EVENTS = new Set(['turn', 'bubble']);

/** A state node's transitions (`on`, then eventless `always`), in declaration order. Public StateNode API only. */
export function stageTransitions(state: AnyStateNode): AnyTransitionDefinition[] {
  return [...transitionsOf(state), ...(state.always ?? [])];
}

/** The event transitions of a state node (`on`, including invoke `onDone`/`onError`). */
export function transitionsOf(state: AnyStateNode): AnyTransitionDefinition[] {
  return Object.values(state.on).flat();
}

/**
 * Parley's generated routing rather than the author's dialogue: turns forwarded to a child or kept, what a level does
 * not handle bubbled to its parent, the escapes a `dependOn` raises for results nobody handles.
 */
export function isRouting(t: AnyTransitionDefinition): boolean {
  if (ROUTING_EVENTS.has(t.eventType) || t.eventType.startsWith('parley.')) return true;
  if ((t.meta as ParleyMeta | undefined)?.generated) return true;
  // The plumbing's actions are named `parley.*` (the engine may add inline bookkeeping beside them).
  const named = t.actions.map(actionName).filter((name) => name !== undefined);
  return named.length > 0 && named.every((name) => name.startsWith('parley.'));
}

/** `[isMember]` for a named guard, the transition's description if it has one, `?` for an inline guard. */
export function guardLabel(t: AnyTransitionDefinition): string {
  if (t.description) return `[${t.description}]`;
  const guard: unknown = t.guard;
  if (guard === undefined) return '';
  if (typeof guard === 'string') return `[${guard}]`;
  if (typeof guard === 'object' && guard !== null && typeof (guard as { type?: unknown }).type === 'string') {
    return `[${(guard as { type: string }).type}]`;
  }
  return '?';
}

/** The result a final stage ends its context with: `finish(status)`'s mark, else a literal `output.status`. */
export function resultOf(state: AnyStateNode): string {
  const marked = (state.meta as ParleyMeta | undefined)?.result;
  if (marked) return marked;
  const output: unknown = state.output;
  if (output && typeof output === 'object' && typeof (output as { status?: unknown }).status === 'string') {
    return (output as { status: string }).status;
  }
  return 'done';
}

/** Named actions are strings or `{ type, params }`; inline ones are functions. */
export function actionName(action: unknown): string | undefined {
  if (typeof action === 'string') return action;
  if (action && typeof action === 'object' && typeof (action as { type?: unknown }).type === 'string') {
    return (action as { type: string }).type;
  }
  return undefined;
}
