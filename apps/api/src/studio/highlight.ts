import type { ActorNode } from '@parley/dialogue-core';
import type { StageDetails } from '@parley/diagram';

/** What the Studio marks on a bot's diagram for one state of a conversation. */
export interface Highlight {
  /** dependOn stages to draw expanded, so that a running sub-context shows where it runs. */
  expand: string[];
  /** Diagram node ids of the active stages, every thread. */
  active: string[];
  /** Threads (context keys) that run. */
  running: string[];
  focus: string | null;
}

/**
 * The active stage of every running thread, from the conversation's actor tree (`describeConversation`): a thread's
 * stages are `<thread>:<path>`; a context running under a dependOn stage is drawn inside it (`<stage id>><context>`).
 */
export function highlightFromTree(
  tree: ActorNode,
  focus: string | null,
  details: Readonly<Record<string, StageDetails>>,
): Highlight {
  const out: Highlight = { expand: [], active: [], running: [], focus };
  for (const thread of tree.children) {
    if (thread.status !== 'active') continue;
    out.running.push(thread.src);
    walk(thread, thread.src, thread.src, details, out);
  }
  return out;
}

function walk(
  actor: ActorNode,
  instance: string,
  context: string,
  details: Readonly<Record<string, StageDetails>>,
  out: Highlight,
) {
  const leaves = leafPaths(actor.value);
  for (const path of leaves) out.active.push(`${instance}:${path}`);
  for (const child of actor.children) {
    if (child.status !== 'active') continue;
    // The stage that started this child: an active stage (or one of its parents) whose dependOn is the child's context.
    const host = hostStage(leaves, context, child.src, details);
    if (!host) continue;
    const stageId = `${instance}:${host}`;
    out.expand.push(stageId);
    walk(child, `${stageId}>${child.src}`, child.src, details, out);
  }
}

/**
 * The same from a turn's recorded state (`activePath`, the focused thread only): `['order.offeringMembership',
 * 'member.askingName']` → `order:offeringMembership` expanded, `order:offeringMembership>member:askingName` active.
 */
export function highlightFromPath(
  activePath: readonly string[],
  focus: string | null,
  details: Readonly<Record<string, StageDetails>>,
): Highlight {
  const out: Highlight = { expand: [], active: [], running: focus ? [focus] : [], focus };
  let instance: string | undefined;
  let previous: { context: string; leaves: string[] } | undefined;
  for (const level of activePath) {
    const dot = level.indexOf('.');
    const context = dot < 0 ? level : level.slice(0, dot);
    const leaves = (dot < 0 ? '' : level.slice(dot + 1)).split('|').filter(Boolean);
    if (!instance) instance = context;
    else if (previous) {
      const host = hostStage(previous.leaves, previous.context, context, details);
      if (!host) break;
      const stageId = `${instance}:${host}`;
      out.expand.push(stageId);
      instance = `${stageId}>${context}`;
    }
    for (const leaf of leaves) out.active.push(`${instance}:${leaf}`);
    previous = { context, leaves };
  }
  return out;
}

function hostStage(
  leaves: readonly string[],
  context: string,
  child: string,
  details: Readonly<Record<string, StageDetails>>,
): string | undefined {
  for (const leaf of leaves) {
    const parts = leaf.split('.');
    for (let n = parts.length; n > 0; n--) {
      const path = parts.slice(0, n).join('.');
      if (details[`${context}:${path}`]?.dependOn === child) return path;
    }
  }
  return undefined;
}

/** `{ taking: 'askingSize' }` → `['taking.askingSize']`; parallel regions give one path each. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  if (!value || typeof value !== 'object') return [];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}
