import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { DefinitionError } from '../errors';
import type { ContextDefinition } from './define-context';

/** Key of the thread a thread request (`openThread`, `sleepTo`, `replaceTo`, `blockThread`) opens, on its action. */
export const THREAD_TARGET = 'parleyThread';

/** Mark a thread-request action with the thread it opens, so the bot can check the thread exists when it is defined. */
export function withThreadTarget<T extends object>(action: T, thread: string): T {
  return Object.assign(action, { [THREAD_TARGET]: thread });
}

/**
 * The checks `defineBot` runs on the built statecharts of every context, so that misuse fails when the bot is
 * defined, with a message that says how to fix it:
 * - every thread a context opens (`sleepTo`, `replaceTo`) is one of the bot's contexts;
 * - every final stage can be reached, and every context but the home one can end;
 * - no stage loops on `always` transitions that nothing can stop (each state in the cycle leaves unconditionally).
 */
export function checkContexts(
  bot: string,
  home: string,
  contexts: Readonly<Record<string, ContextDefinition>>,
  machines: Readonly<Record<string, AnyStateMachine>>,
): void {
  const known = Object.keys(contexts);
  for (const [id, machine] of Object.entries(machines)) {
    const where = { bot, context: id };
    const nodes = allNodes(machine.root);
    for (const node of nodes) {
      for (const transition of transitionsOf(node)) {
        for (const thread of threadTargets(transition.actions)) {
          if (!contexts[thread]) {
            throw new DefinitionError(
              `Context '${id}' stage '${stagePath(node)}' opens the thread '${thread}', which is not one of bot '${bot}''s contexts (${known.join(', ')}). Add it to defineBot({ contexts }) or fix the key.`,
              where,
            );
          }
        }
      }
    }
    const reached = reachable(machine.root);
    const finals = nodes.filter((node) => node.type === 'final');
    for (const final of finals) {
      if (!reached.has(final)) {
        throw new DefinitionError(
          `Context '${id}' has the final stage '${stagePath(final)}', which no transition reaches. Add a transition to it (e.g. \`target: '${stagePath(final)}'\`) or remove it.`,
          where,
        );
      }
    }
    if (id !== home && finals.length === 0) {
      throw new DefinitionError(
        `Context '${id}' can never end: give it a final stage, e.g. \`done: finish('done')\`.`,
        where,
      );
    }
    const loop = unstoppableAlwaysLoop(nodes);
    if (loop) {
      throw new DefinitionError(
        `Context '${id}' loops forever: ${loop.map(stagePath).join(' → ')} → … each leave by an \`always\` transition without a guard. Give one of them a guard that can fail, or let it wait for an event.`,
        where,
      );
    }
  }
}

/** Thread targets of bot-wide intent and event handlers (`openThread`, `blockThread`). */
export function checkHandlers(
  bot: string,
  kind: 'intent' | 'event',
  handlers: Readonly<Record<string, unknown>>,
  contexts: Readonly<Record<string, ContextDefinition>>,
): void {
  for (const [name, handler] of Object.entries(handlers)) {
    const actions = (handler as { actions?: unknown } | undefined)?.actions;
    for (const thread of threadTargets(Array.isArray(actions) ? actions : [actions])) {
      if (!contexts[thread]) {
        throw new DefinitionError(
          `Bot '${bot}': the ${kind} '${name}' opens the thread '${thread}', which is not one of its contexts (${Object.keys(contexts).join(', ')}). Add it to defineBot({ contexts }) or fix the key.`,
          { bot },
        );
      }
    }
  }
}

function threadTargets(actions: readonly unknown[]): string[] {
  const found: string[] = [];
  for (const action of actions) {
    const thread = (action as Record<string, unknown> | null | undefined)?.[THREAD_TARGET];
    if (typeof thread === 'string') found.push(thread);
  }
  return found;
}

function allNodes(root: AnyStateNode): AnyStateNode[] {
  const found: AnyStateNode[] = [];
  const visit = (node: AnyStateNode) => {
    found.push(node);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(root);
  return found;
}

function transitionsOf(node: AnyStateNode) {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
}

function stagePath(node: AnyStateNode): string {
  return node.path.join('.') || '(context)';
}

/** The state nodes a machine can ever be in, following every transition (guards assumed to pass). */
function reachable(root: AnyStateNode): Set<AnyStateNode> {
  const reached = new Set<AnyStateNode>();
  const queue: AnyStateNode[] = [];
  const enter = (node: AnyStateNode) => {
    for (let ancestor: AnyStateNode | undefined = node; ancestor; ancestor = ancestor.parent) {
      if (reached.has(ancestor)) break;
      reached.add(ancestor);
      queue.push(ancestor);
    }
    if (node.type === 'compound') for (const target of node.initial.target) enter(target);
    if (node.type === 'parallel') for (const child of Object.values(node.states)) enter(child);
  };
  enter(root);
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const transition of transitionsOf(node)) for (const target of transition.target ?? []) enter(target);
  }
  return reached;
}

/**
 * A cycle of atomic stages that each leave at once by an unguarded `always` transition (or one that earlier guarded
 * ones can only divert within the cycle): it can never settle. Undefined when there is none.
 */
function unstoppableAlwaysLoop(nodes: readonly AnyStateNode[]): AnyStateNode[] | undefined {
  // Where each "transient" stage (one that always leaves) can go: its always-targets up to the first unguarded one.
  const next = new Map<AnyStateNode, AnyStateNode[]>();
  for (const node of nodes) {
    if (node.type !== 'atomic' || !node.always) continue;
    const firstUnguarded = node.always.findIndex((t) => t.guard === undefined);
    if (firstUnguarded < 0) continue;
    const targets = node.always.slice(0, firstUnguarded + 1).flatMap((t) => (t.target ? [...t.target] : [node]));
    next.set(node, targets.map(restingLeaf));
  }
  // The doomed stages: transient, and every way out leads to a doomed stage (greatest fixed point).
  const doomed = new Set(next.keys());
  for (let changed = true; changed;) {
    changed = false;
    for (const node of doomed) {
      if (next.get(node)!.some((target) => !doomed.has(target))) {
        doomed.delete(node);
        changed = true;
      }
    }
  }
  if (doomed.size === 0) return undefined;
  const cycle: AnyStateNode[] = [];
  let node = doomed.values().next().value!;
  while (!cycle.includes(node)) {
    cycle.push(node);
    node = next.get(node)!.find((target) => doomed.has(target))!;
  }
  return cycle.slice(cycle.indexOf(node));
}

/** The atomic stage entering `node` ends in (its initial descendants). */
function restingLeaf(node: AnyStateNode): AnyStateNode {
  let current = node;
  while (current.type === 'compound') current = current.initial.target[0]!;
  return current;
}

/**
 * The external events a bot handles (without the `ext.` prefix): its `events` handlers and every `ext.*` transition of
 * its contexts; `'any'` when a context handles `ext.*` itself.
 */
export function declaredEvents(
  handlers: Readonly<Record<string, unknown>>,
  machines: Readonly<Record<string, AnyStateMachine>>,
): readonly string[] | 'any' {
  const found = new Set(Object.keys(handlers));
  for (const machine of Object.values(machines)) {
    for (const node of allNodes(machine.root)) {
      for (const type of node.transitions.keys()) {
        if (type === 'ext.*' || type === '*') return 'any';
        if (type.startsWith('ext.')) found.add(type.slice(4));
      }
    }
  }
  return [...found].sort();
}
