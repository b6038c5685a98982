import { forwardTo, raise, sendParent, sendTo } from 'xstate';
import { escapeBubbled, escapeKindOf } from './events';

/**
 * Event routing inside the statecharts ("capture down, bubble up", docs/design.md#routing-capture-down-bubble-up):
 * the host sends `{ type: 'turn', event }` to the process actor; a stage hosting a sub-context forwards `turn` to it;
 * a level that keeps the turn raises the inner event at itself, where the deepest state with a handler wins;
 * what nobody at a level handles is sent to the parent as `bubble` and re-raised there.
 */
export const plumbingActions = {
  'parley.deliverToSelf': raise(({ event }: any) => event.event),
  'parley.reraise': raise(({ event }: any) => event.event),
  'parley.bubble': sendParent(({ event, self }: any) => ({ type: 'bubble', event, from: self.id })),
  'parley.forwardToChild': forwardTo((_: any, params: { child: string }) => params.child),
  'parley.sendInnerToChild': sendTo(
    (_: any, params: { child: string }) => params.child,
    ({ event }: any) => event.event,
  ),
} as any;

/**
 * Sent by the engine to a context whose stage waits for a sub-context that is gone (it failed, and the failure was
 * stopped without leaving the stage): the stage starts it again.
 */
export const RESTART_EVENT = 'parley.restart';

/** Event types reserved for the plumbing: bot authors may not handle them. */
export const RESERVED_EVENTS = ['turn', 'bubble'] as const;

/** Prefixes that bubble when a context does not handle them. */
export const BUBBLING_PREFIXES = ['intent', 'escape', 'thread', 'confirm', 'handoff'] as const;

/** The root-level `on` of every context machine, merged after the author's own handlers. */
export function contextPlumbing(authorOn: Record<string, any>): Record<string, any> {
  const on: Record<string, any> = { ...authorOn };
  on.turn = { actions: 'parley.deliverToSelf' };
  on.bubble = { actions: 'parley.reraise' };
  for (const prefix of BUBBLING_PREFIXES) {
    const key = `${prefix}.*`;
    on[key] = [...toList(authorOn[key]), { actions: prefix === 'escape' ? [noteBubbled, 'parley.bubble'] : 'parley.bubble' }];
  }
  return on;
}

/** An escape nobody handled at this level goes up: the turn follows it (`TurnResult.events`). */
function noteBubbled({ event, self }: { event: { type: string }; self: { id: string } }): void {
  const kind = escapeKindOf(event.type);
  if (kind) escapeBubbled(self.id, kind);
}

function toList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
