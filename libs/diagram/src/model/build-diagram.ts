import { ESCAPE_KINDS, YIELD_TAG, type BotDefinition, type EscapeKind, type ParleyMeta } from '@parley/dialogue-core';
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type { BotDiagram, DiagramEdge, DiagramNode, DiagramOptions, EdgeKind, StageType } from './diagram.types';
import { guardLabel, isRouting, resultOf, stageTransitions, transitionsOf } from './transitions';

/** Id of the process node and of the node that stands for the process level's own handlers (bot-wide intents). */
export const PROCESS_NODE = 'process';
export const BOT_WIDE_NODE = 'process:intents';

/**
 * The diagram model of a bot: every thread, context and stage, and the transitions between them, read from the bot
 * definition and XState's public `StateNode` API (nothing runs). Pure and deterministic: the same bot and options
 * give the same nodes and edges in the same order.
 *
 * @example
 * const diagram = buildDiagram(juice, { expand: ['order:offeringMembership'], examples: corpus.intents });
 * diagram.nodes.filter((n) => n.kind === 'stage').map((n) => n.id); // ['home:idle', 'home:closed', 'order:start', …]
 */
export function buildDiagram(bot: BotDefinition, options: DiagramOptions = {}): BotDiagram {
  return new DiagramBuilder(bot, options).build();
}

class DiagramBuilder {
  private readonly nodes: DiagramNode[] = [];
  private readonly edges = new Map<string, DiagramEdge>();

  constructor(
    private readonly bot: BotDefinition,
    private readonly options: DiagramOptions,
  ) {}

  build(): BotDiagram {
    const { bot } = this;
    this.nodes.push({ id: PROCESS_NODE, kind: 'process', label: `${bot.id} v${bot.version}` });
    const lines: string[] = [];
    this.nodes.push({ id: BOT_WIDE_NODE, kind: 'intents', label: 'bot-wide', parent: PROCESS_NODE, lines });
    this.botWide(lines);
    for (const key of Object.keys(bot.contexts)) {
      const thread = `thread:${key}`;
      this.nodes.push({
        id: thread,
        kind: 'thread',
        label: key === bot.home ? `thread ${key} (home)` : `thread ${key}`,
        parent: PROCESS_NODE,
        context: key,
        ...(key === bot.home ? { home: true } : {}),
      });
      this.context(key, key, thread);
      if (this.options.routing) {
        this.edge(BOT_WIDE_NODE, key, 'routing', 'turn', 'turn');
        this.edge(key, BOT_WIDE_NODE, 'routing', 'bubble', 'bubble');
      }
    }
    return { bot: bot.id, version: bot.version, nodes: this.nodes, edges: [...this.edges.values()] };
  }

  /** Bot-wide intents and events: those that open a thread are edges to it, the others lines of the node. */
  private botWide(lines: string[]): void {
    const active = this.bot.process.root.states.active;
    if (!active) return;
    for (const [eventType, transitions] of Object.entries(active.on)) {
      const name = eventName(eventType);
      if (!name || eventType.endsWith('*')) continue;
      for (const t of transitions) {
        const meta = (t.meta ?? {}) as ParleyMeta;
        if (meta.opensThread) this.edge(BOT_WIDE_NODE, `thread:${meta.opensThread}`, 'opens', name, eventType);
        else if (meta.blocksThread)
          this.edge(BOT_WIDE_NODE, `thread:${meta.blocksThread}`, 'opens', `${name} (blocks)`, eventType);
        else lines.push(`${name}: ${meta.replies ? (eventType.startsWith('ext.') ? 'push' : 'reply') : 'handled'}`);
      }
    }
  }

  /** One drawing of a context: `instance` names it (see `DiagramNode.id`), `parent` holds it. */
  private context(key: string, instance: string, parent: string): void {
    const machine = this.bot.machines[key];
    const definition = this.bot.contexts[key];
    if (!machine || !definition) return;
    const root = machine.root;
    const node: DiagramNode = {
      id: instance,
      kind: 'context',
      label: key,
      parent,
      context: key,
      ...(definition.spec.description ? { description: definition.spec.description } : {}),
    };
    this.nodes.push(node);
    this.initial(root, instance, instance, key);
    for (const child of Object.values(root.states)) this.stage(child, instance, instance, key);
    this.transitions(root, instance, instance, node);
  }

  private stage(state: AnyStateNode, instance: string, parent: string, context: string): void {
    const path = state.path.join('.');
    const id = `${instance}:${path}`;
    const meta = (state.meta ?? {}) as { prompt?: unknown; dependOn?: string } & ParleyMeta;
    const node: DiagramNode = {
      id,
      kind: 'stage',
      label: state.key,
      parent,
      context,
      stage: path,
      stageType: stageType(state),
    };
    if (meta.prompt !== undefined) node.prompt = typeof meta.prompt === 'string' ? meta.prompt : '(computed)';
    if (state.type === 'final') node.result = resultOf(state);
    if (state.tags.includes(YIELD_TAG)) node.yields = true;
    if (state.description) node.description = state.description;
    this.nodes.push(node);

    const child = meta.dependOn;
    if (child && this.bot.contexts[child]) {
      node.dependOn = child;
      if (this.expanded(id)) {
        node.expanded = true;
        this.context(child, `${id}>${child}`, id);
      } else {
        this.edge(id, child, 'dependOn', `starts ${child}`, `dependOn.${child}`);
        if (this.options.routing) {
          this.edge(id, child, 'routing', 'turn', 'turn');
          this.edge(child, id, 'routing', 'bubble', 'bubble');
        }
      }
    }
    if (state.type === 'compound' || state.type === 'parallel') {
      this.initial(state, instance, id, context);
      for (const sub of Object.values(state.states)) this.stage(sub, instance, id, context);
    }
    this.transitions(state, instance, id, node);
  }

  /** The initial marker of a context or compound stage, with its edge to the initial stage. */
  private initial(state: AnyStateNode, instance: string, parent: string, context: string): void {
    if (state.type !== 'compound') return;
    const target = state.initial?.target?.[0];
    if (!target) return;
    const id = `${parent}:(initial)`;
    this.nodes.push({ id, kind: 'initial', label: '', parent, context });
    this.edge(id, targetId(target, instance), 'initial', '', 'initial');
  }

  private transitions(state: AnyStateNode, instance: string, from: string, node: DiagramNode): void {
    for (const t of stageTransitions(state)) {
      if (isRouting(t)) continue;
      const classified = classify(t, state, hasGuardedAlways(state));
      const targets = t.target ?? [];
      if (targets.length === 0) {
        const kind = escapeKind(t.eventType);
        if (kind && !(node.escapes ?? []).includes(kind)) (node.escapes ??= []).push(kind);
        continue;
      }
      for (const target of targets)
        this.edge(from, targetId(target, instance), classified.kind, classified.label, t.eventType);
    }
  }

  private expanded(id: string): boolean {
    const { expand } = this.options;
    return expand === 'all' || (Array.isArray(expand) && expand.includes(id));
  }

  /** Transitions between the same two nodes of the same kind are one edge with the labels joined. */
  private edge(source: string, target: string, kind: EdgeKind, label: string, event: string): void {
    const key = `${source}\u0000${target}\u0000${kind}`;
    let edge = this.edges.get(key);
    if (!edge) {
      edge = { id: `e${this.edges.size + 1}`, source, target, kind, label: '', events: [], intents: [] };
      this.edges.set(key, edge);
    }
    edge.label = joinLabel(edge.label, label);
    if (!edge.events.includes(event)) edge.events.push(event);
    const intent = event.startsWith('intent.') ? event.slice(7) : undefined;
    if (intent && !edge.intents.includes(intent)) {
      edge.intents.push(intent);
      const examples = this.options.examples?.[intent];
      if (examples?.length) (edge.samples ??= {})[intent] = examples.slice(0, this.options.samples ?? 3);
    }
  }
}

/** Add a part to an edge label once; `affirm` and `affirm?` (guarded) read as `affirm`. */
function joinLabel(label: string, part: string): string {
  const parts = label ? label.split(', ') : [];
  if (!part || parts.includes(part) || (part.endsWith('?') && parts.includes(part.slice(0, -1)))) return label;
  return [...parts.filter((p) => p !== `${part}?`), part].join(', ');
}

/** What an authored transition is, and its label: the intent, event or result it reacts to, and its guard. */
function classify(
  t: AnyTransitionDefinition,
  source: AnyStateNode,
  branches: boolean,
): { kind: EdgeKind; label: string } {
  const type = t.eventType;
  const guard = guardLabel(t);
  if (type === '') return { kind: 'always', label: guard || (branches ? 'else' : '') };
  const done = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (done) {
    const [, outcome, actor] = done;
    const meta = (source.meta ?? {}) as { dependOn?: string };
    if (meta.dependOn === actor) {
      const result = (t.meta as ParleyMeta | undefined)?.result ?? (outcome === 'done' ? 'done' : 'failed');
      return { kind: 'result', label: withGuard(result, guard, true) };
    }
    const src = source.invoke.find((invoke) => invoke.id === actor)?.src;
    const name = typeof src === 'string' ? src : actor;
    return { kind: 'service', label: withGuard(`${name} ${outcome === 'done' ? 'done' : 'failed'}`, guard) };
  }
  // A compound stage reached its final sub-stage (e.g. a form has all its slots): "done".
  if (type.startsWith('xstate.done.state.')) return { kind: 'transition', label: withGuard('done', guard) };
  const escape = escapeKind(type);
  if (escape) return { kind: 'escape', label: withGuard(escape, guard) };
  const name = eventName(type) ?? type;
  return { kind: 'transition', label: withGuard(name === '*' ? 'any' : name, guard) };
}

function hasGuardedAlways(state: AnyStateNode): boolean {
  return (state.always ?? []).some((t) => t.guard !== undefined);
}

function withGuard(label: string, guard: string, skipInline = false): string {
  if (!guard || (skipInline && guard === '?')) return label;
  return guard === '?' ? `${label}?` : `${label} ${guard}`;
}

/** `intent.order.juice` → `order.juice`; `ext.payment.confirmed` → `⚡payment.confirmed`. */
function eventName(type: string): string | undefined {
  if (type.startsWith('intent.')) return type.slice(7);
  if (type.startsWith('ext.')) return `⚡${type.slice(4)}`;
  return undefined;
}

function escapeKind(type: string): EscapeKind | undefined {
  const kind = type.startsWith('escape.') ? type.slice(7) : undefined;
  return ESCAPE_KINDS.find((k) => k === kind);
}

function stageType(state: AnyStateNode): StageType {
  if (state.type === 'atomic' && state.always?.length && !(state.meta as { prompt?: unknown } | undefined)?.prompt) {
    const waits = transitionsOf(state).some((t) => !isRouting(t));
    if (!waits && state.invoke.length === 0) return 'choice';
  }
  return state.type;
}

/** The node id of a transition's target in the same drawing of its context (the context itself for its root). */
function targetId(target: AnyStateNode, instance: string): string {
  return target.path.length ? `${instance}:${target.path.join('.')}` : instance;
}
