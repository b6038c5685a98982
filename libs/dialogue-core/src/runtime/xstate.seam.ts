/**
 * The one place where Parley reaches past XState's documented API. Everything else in Parley uses only what XState
 * exports and documents; what is here depends on XState's internals and is pinned to the installed version by
 * `xstate.seam.spec.ts`, so that an XState upgrade fails that one clear test instead of conversations in production.
 *
 * Add to this file (with a test in the spec) rather than touching an underscored field anywhere else.
 */
import {
  getNextTransitions,
  getStateNodes,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateNode,
} from 'xstate';

/** XState version these functions were written and tested against (the spec checks the installed one). */
export const XSTATE_SEAM_VERSION = '5.33.3';

/**
 * The active state nodes of a machine snapshot, outermost first. XState keeps them on the snapshot (`_nodes`), which
 * costs nothing to read; `getStateNodes(machine.root, value)` (deduplicated) is the public equivalent, used when the field is
 * absent (the spec checks both agree).
 */
export function activeStateNodes(snapshot: AnyMachineSnapshot): readonly AnyStateNode[] {
  const nodes = (snapshot as { _nodes?: readonly AnyStateNode[] })._nodes;
  return nodes ?? [...new Set(getStateNodes(snapshot.machine.root, snapshot.value))];
}

/** Event types the active state nodes of a snapshot have transitions for (guards not evaluated). Public API. */
export function handledEventTypes(snapshot: AnyMachineSnapshot): string[] {
  const types = new Set<string>();
  for (const transition of getNextTransitions(snapshot)) if (transition.eventType) types.add(transition.eventType);
  return [...types];
}

/** The actor that spawned or invoked `actor` (undefined for a root). XState has no public accessor for it. */
export function parentOf(actor: AnyActorRef): AnyActorRef | undefined {
  return (actor as { _parent?: AnyActorRef })._parent;
}

/** True when the actor system holds delayed events (`after`, delayed `raise`/`sendTo`) not yet delivered. */
export function hasScheduledEvents(root: AnyActorRef): boolean {
  const system = root.system as { getSnapshot?: () => { _scheduledEvents?: object } };
  const scheduled = system.getSnapshot?.()._scheduledEvents;
  return scheduled !== undefined && Object.keys(scheduled).length > 0;
}

/** The `src` an actor was invoked with, when it was invoked by key (a context key for Parley's contexts). */
export function sourceKeyOf(actor: AnyActorRef): string | undefined {
  const src = (actor as { src?: unknown }).src;
  return typeof src === 'string' ? src : undefined;
}
