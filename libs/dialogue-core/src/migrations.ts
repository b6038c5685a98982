/**
 * Helpers for snapshot migrations (`defineBot({ migrations: { 2: (s) => … } })`). A persisted process snapshot is a
 * tree: `{ value, context, children: { <invokeId>: { src, snapshot: { value, context, children } } } }`.
 */
import type { PersistedSnapshot } from './authoring/define-bot';

/** Apply `fn` to the snapshot of every instance of context `contextKey`, anywhere in the tree. */
export function mapContexts(
  snapshot: PersistedSnapshot,
  contextKey: string,
  fn: (contextSnapshot: PersistedSnapshot) => PersistedSnapshot,
): PersistedSnapshot {
  for (const child of Object.values(snapshot?.children ?? {})) {
    if (!child?.snapshot) continue;
    mapContexts(child.snapshot, contextKey, fn);
    if (child.src === contextKey) child.snapshot = fn(child.snapshot);
  }
  return snapshot;
}

/** Rename stage `from` to `to` in a state value (at any depth). */
export function renameInValue(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value === from ? to : value;
  if (!value || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) result[key === from ? to : key] = renameInValue(child, from, to);
  return result;
}

/** Rename a stage of context `contextKey` in every instance of it. */
export function renameStage(snapshot: PersistedSnapshot, contextKey: string, from: string, to: string): PersistedSnapshot {
  return mapContexts(snapshot, contextKey, (s) => ({ ...s, value: renameInValue(s.value, from, to) }));
}

/** Add fields (with defaults) to the data of every instance of context `contextKey`. */
export function addContextFields(
  snapshot: PersistedSnapshot,
  contextKey: string,
  defaults: Record<string, unknown>,
): PersistedSnapshot {
  return mapContexts(snapshot, contextKey, (s) => ({ ...s, context: { ...defaults, ...(s.context ?? {}) } }));
}

/**
 * A context added to the bot is a new thread of the process: conversations stored before it have no region for it.
 * This adds it, not running (`idle`), so they restore.
 *
 * @example
 * migrations: { 3: (snapshot) => addThread(snapshot, 'ingredients') }
 */
export function addThread(snapshot: PersistedSnapshot, thread: string): PersistedSnapshot {
  const value = snapshot.value as { active?: Record<string, unknown> } | undefined;
  if (value?.active && typeof value.active === 'object' && !(thread in value.active)) {
    value.active = { ...value.active, [thread]: 'idle' };
  }
  return snapshot;
}
