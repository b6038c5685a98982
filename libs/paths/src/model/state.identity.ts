import { stagePath, type BotDefinition, type Json, type MemoryView } from '@parley/dialogue-core';
import type { ResolvedPathsConfig } from '../paths.config';

/** One context instance of a thread: its stage, and the contexts it waits for. */
export interface LevelView {
  context: string;
  /** Dotted stage path (`ordering.flavor`); parallel regions joined with `|`. */
  stage: string;
  /** What the bot's `identity.contexts` function keeps of the context's data (undefined when nothing). */
  data?: Json;
  /** Where the context's history states would resume (`taking.resume → taking.delivering`), when it has any. */
  history?: string;
  children: LevelView[];
}

/**
 * Where a conversation is, for the path graph: the stages of every running thread, the focus and the stacks, and
 * whatever data the bot declared to matter. Two conversations with equal keys are one state of the graph.
 */
export interface StateIdentity {
  key: string;
  /** Short form for transcripts: the focused thread, then the stacks. */
  label: string;
  ended: boolean;
  focus: string;
  sleeping: string[];
  yielding: string[];
  blocking: string[];
  /** A thread held for a yes/no confirmation of an escape (`confirm()`), and which escape. */
  confirming?: { thread: string; kind: string };
  /** Running threads by name. */
  threads: Record<string, LevelView>;
}

interface PersistedActor {
  status?: string;
  value?: unknown;
  historyValue?: Record<string, { id?: string }[]>;
  context?: Record<string, any>;
  children?: Record<string, { snapshot?: PersistedActor; src?: unknown }>;
}

/** The identity of a stored conversation state (its persisted process snapshot). */
export function identify(
  bot: BotDefinition,
  snapshot: Json,
  memory: MemoryView,
  config: ResolvedPathsConfig,
): StateIdentity {
  const root = snapshot as PersistedActor;
  const memoryPart = config.identity.memory ? config.identity.memory(memory) : undefined;
  const suffix = memoryPart === undefined ? '' : ` · ${JSON.stringify(memoryPart)}`;
  if (root.status === 'done') {
    return {
      key: `(ended)${suffix}`,
      label: '(ended)',
      ended: true,
      focus: '',
      sleeping: [],
      yielding: [],
      blocking: [],
      threads: {},
    };
  }
  const context = root.context ?? {};
  const threads: Record<string, LevelView> = {};
  for (const [thread, child] of Object.entries(root.children ?? {})) {
    if (child.snapshot && bot.contexts[thread]) threads[thread] = level(bot, thread, child.snapshot, config);
  }
  const focus: string = context.focus ?? bot.home;
  const sleeping: string[] = [...(context.sleeping ?? [])];
  const yielding: string[] = [...(context.yielding ?? [])];
  const blocking: string[] = [...(context.blocking ?? [])];
  const confirming = context.confirming
    ? { thread: String(context.confirming.thread), kind: String(context.confirming.kind) }
    : undefined;
  const show = (thread: string) =>
    (threads[thread] ? render(threads[thread]) : `${thread}?`) +
    (confirming?.thread === thread ? ` (confirming ${confirming.kind})` : '');
  const stacked = new Set([focus, ...sleeping, ...yielding, ...blocking]);
  const parts = [show(focus)];
  // Most recent first: the thread that would take focus next leads.
  for (const [name, stack] of [
    ['blocking', blocking],
    ['sleeping', sleeping],
    ['yielding', yielding],
  ] as const) {
    if (stack.length) parts.push(`${name} ${[...stack].reverse().map(show).join(', ')}`);
  }
  const label = parts.join(' | ');
  const others = Object.keys(threads)
    .filter((thread) => !stacked.has(thread))
    .sort()
    .map(show);
  const key = [label, ...others].join(' | ') + suffix;
  return {
    key,
    label,
    ended: false,
    focus,
    sleeping,
    yielding,
    blocking,
    ...(confirming ? { confirming } : {}),
    threads,
  };
}

function level(bot: BotDefinition, contextKey: string, actor: PersistedActor, config: ResolvedPathsConfig): LevelView {
  const keep = config.identity.contexts?.[contextKey];
  const data = keep ? keep(actor.context ?? {}) : undefined;
  const children: LevelView[] = [];
  for (const child of Object.values(actor.children ?? {})) {
    if (typeof child.src === 'string' && bot.contexts[child.src] && child.snapshot) {
      children.push(level(bot, child.src, child.snapshot, config));
    }
  }
  const history = historyOf(contextKey, actor.historyValue);
  return {
    context: contextKey,
    stage: stagePath(actor.value),
    ...(data === undefined ? {} : { data }),
    ...(history ? { history } : {}),
    children,
  };
}

/**
 * A context's history states are part of where it is, not of its data: they decide where a transition to them
 * resumes. `taking.resume → taking.delivering` (paths inside the context).
 */
function historyOf(contextKey: string, value: PersistedActor['historyValue']): string | undefined {
  const inside = (id: string | undefined) => (id?.startsWith(`${contextKey}.`) ? id.slice(contextKey.length + 1) : id);
  const entries = Object.entries(value ?? {})
    .filter(([, nodes]) => Array.isArray(nodes) && nodes.length > 0)
    .map(([node, nodes]) => `${inside(node)} → ${nodes.map((n) => inside(n.id)).join('+')}`)
    .sort();
  return entries.length ? entries.join(', ') : undefined;
}

/** `order.askingIce`, `order.offeringMembership > member.offering`, `order.askingFlavor{"misses":1}` */
export function render(view: LevelView): string {
  const own = `${view.context}.${view.stage}${view.data === undefined ? '' : JSON.stringify(view.data)}${
    view.history ? ` [${view.history}]` : ''
  }`;
  if (view.children.length === 0) return own;
  if (view.children.length === 1) return `${own} > ${render(view.children[0]!)}`;
  return `${own} > (${view.children.map(render).join(', ')})`;
}

/** The level a user message goes to first: the innermost context of the focused thread (single-child chain). */
export function focusLevel(identity: StateIdentity): { context: string; stage: string } {
  let level = identity.threads[identity.focus];
  if (!level) return { context: identity.focus, stage: '' };
  while (level.children.length === 1) level = level.children[0]!;
  return { context: level.context, stage: level.stage };
}
