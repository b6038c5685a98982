import type { AnyActorRef } from 'xstate';
import type { Reply, ThreadsView } from '../types';
import type { Confirming, ProcessContext } from './threads';
import { resolve } from '../authoring/args';
import { activeStateNodes, handledEventTypes } from './xstate.seam';

/** One level of the focused thread: a context actor and its active stage. */
export interface ChainLevel {
  context: string;
  actor: AnyActorRef;
  /** Active state value of the context, e.g. `"askingFlavor"` or `{ "offering": "confirming" }`. */
  stage: unknown;
}

interface StateNodeLike {
  id: string;
  meta?: { prompt?: unknown; choices?: unknown; dependOn?: string };
}

function activeNodes(snapshot: any): StateNodeLike[] {
  return snapshot?.machine ? (activeStateNodes(snapshot) as unknown as StateNodeLike[]) : [];
}

/** The question a level is asking, and the sub-context it waits for (if the question is not its own, "modal" one). */
function levelInfo(snapshot: any): { question?: StateNodeLike; dependOn?: string } {
  let question: StateNodeLike | undefined;
  let host: StateNodeLike | undefined;
  for (const node of activeNodes(snapshot)) {
    if (node.meta?.prompt !== undefined && (!question || depth(node) >= depth(question))) question = node;
    if (node.meta?.dependOn && snapshot.children?.[node.meta.dependOn]) host = node;
  }
  const modal = question && host && question.id.startsWith(`${host.id}.`);
  return { question, dependOn: host && !modal ? host.meta?.dependOn : undefined };
}

/** The focused thread, outermost context first: where a user turn goes and whose question is pending. */
export function focusChain(root: AnyActorRef): ChainLevel[] {
  const snapshot: any = root.getSnapshot();
  if (snapshot.status !== 'active') return [];
  const chain: ChainLevel[] = [];
  let actor: AnyActorRef | undefined = snapshot.children[snapshot.context.focus];
  while (actor) {
    const s: any = actor.getSnapshot();
    if (s.status !== 'active') break;
    chain.push({ context: s.machine?.id ?? actor.id, actor, stage: s.value });
    const { dependOn } = levelInfo(s);
    actor = dependOn ? s.children[dependOn] : undefined;
  }
  return chain;
}

/** The pending question of the focused thread (its innermost level that asks one), resolved to text. */
export function pendingQuestion(root: AnyActorRef, chain: ChainLevel[] = focusChain(root)): string | undefined {
  return pendingReply(root, chain)?.text;
}

/** The pending question as a reply: its text, and the answers it offers (`choices`) when it has any. */
export function pendingReply(root: AnyActorRef, chain: ChainLevel[] = focusChain(root)): Reply | undefined {
  const confirming = confirmingFocus(root);
  if (confirming) return question(confirming.prompt, confirming.choices);
  for (let i = chain.length - 1; i >= 0; i--) {
    const level = chain[i]!;
    const snapshot: any = level.actor.getSnapshot();
    const { question: node } = levelInfo(snapshot);
    if (node) {
      const args = { context: snapshot.context, event: { type: 'parley.reask' } };
      const text = resolve(node.meta!.prompt as any, args);
      if (typeof text === 'string' && text) {
        const choices = node.meta!.choices === undefined ? undefined : resolve(node.meta!.choices as any, args);
        return question(text, Array.isArray(choices) ? choices : undefined);
      }
    }
  }
  return undefined;
}

function question(text: string, choices: readonly unknown[] | undefined): Reply {
  const offered = choices?.filter((choice): choice is string => typeof choice === 'string');
  return { type: 'text', text, ...(offered?.length ? { choices: offered } : {}) };
}

/** The confirmation the focused thread waits for (`confirm()`), if any. */
function confirmingFocus(root: AnyActorRef): Confirming | undefined {
  const context = (root.getSnapshot() as { context?: ProcessContext }).context;
  return context?.confirming && context.confirming.thread === context.focus ? context.confirming : undefined;
}

/**
 * Intents open at the focused stage: those handled anywhere along the focused chain, plus bot-wide ones; while a
 * confirmation is pending, only yes/no (`answers`) and the system intents.
 */
export function openIntents(
  root: AnyActorRef,
  systemIntents: readonly string[],
  answers: readonly string[] = [],
): string[] {
  if (confirmingFocus(root)) return [...systemIntents, ...answers];
  const found = new Set<string>(systemIntents);
  const collect = (snapshot: any) => {
    for (const intent of intentsHandledBy(snapshot)) found.add(intent);
  };
  collect(root.getSnapshot());
  for (const level of focusChain(root)) collect(level.actor.getSnapshot());
  found.delete('none');
  return [...found];
}

/** Per machine: the intents its active stages handle, by set of active state nodes (a machine has few such sets). */
const handledIntents = new WeakMap<object, Map<string, string[]>>();
const HANDLED_INTENTS_PER_MACHINE = 1000;

/** The intents (`intent.*` transitions, wildcards aside) of a snapshot's active state nodes. */
function intentsHandledBy(snapshot: any): string[] {
  let byNodes = handledIntents.get(snapshot.machine);
  if (!byNodes) handledIntents.set(snapshot.machine, (byNodes = new Map()));
  const key = activeNodes(snapshot)
    .map((node) => node.id)
    .join('\n');
  let intents = byNodes.get(key);
  if (!intents) {
    intents = handledEventTypes(snapshot)
      .filter((descriptor) => descriptor.startsWith('intent.') && !descriptor.endsWith('*'))
      .map((descriptor) => descriptor.slice(7));
    if (byNodes.size < HANDLED_INTENTS_PER_MACHINE) byNodes.set(key, intents);
  }
  return intents;
}

export function threadsOf(root: AnyActorRef): ThreadsView {
  const context: any = root.getSnapshot().context ?? {};
  return {
    focus: context.focus ?? '',
    sleeping: [...(context.sleeping ?? [])],
    yielding: [...(context.yielding ?? [])],
    blocking: [...(context.blocking ?? [])],
  };
}

/** `order.askingPackage > member.askingName`: the active stage path of the focused thread. */
export function activePath(root: AnyActorRef, chain: ChainLevel[] = focusChain(root)): string[] {
  return chain.map((level) => `${level.context}.${stagePath(level.stage)}`);
}

/**
 * A context's state value as a stage path: `"askingName"`, `{ ordering: "flavor" }` → `ordering.flavor`; parallel
 * regions are joined by `|`.
 */
export function stagePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, child]) => {
        const inner = stagePath(child);
        return inner ? `${key}.${inner}` : key;
      })
      .join('|');
  }
  return '';
}

/**
 * Problems in a restored actor tree. XState fails silently in children (a child in error, a dropped child, a parent
 * stuck forever), so every restore is checked before the turn runs.
 */
export function validateTree(actor: AnyActorRef, path = 'process'): string[] {
  const problems: string[] = [];
  const snapshot: any = actor.getSnapshot();
  if (snapshot.status === 'error') {
    problems.push(`${path}: ${snapshot.error instanceof Error ? snapshot.error.message : 'in error'}`);
    return problems;
  }
  if (snapshot.machine && snapshot.status === 'active') {
    for (const node of activeStateNodes(snapshot)) {
      for (const invoke of node.invoke ?? []) {
        if (!snapshot.children[invoke.id])
          problems.push(`${path}: stage '${node.id}' waits for '${invoke.id}', which is missing`);
      }
    }
  }
  for (const [id, child] of Object.entries<AnyActorRef>(snapshot.children ?? {})) {
    problems.push(...validateTree(child, `${path}/${id}`));
  }
  return problems;
}

/** The process context must only name threads that run. */
export function validateThreads(root: AnyActorRef): string[] {
  const snapshot: any = root.getSnapshot();
  if (snapshot.status !== 'active') return [];
  const { focus, sleeping, yielding, blocking } = threadsOf(root);
  return [focus, ...sleeping, ...yielding, ...blocking]
    .filter((thread) => !snapshot.children[thread])
    .map((thread) => `process: thread '${thread}' is in the stacks but does not run`);
}

function depth(node: StateNodeLike): number {
  return node.id.split('.').length;
}
