import type { EscapeKind } from '@parley/dialogue-core';

/**
 * A bot as a graph, before layout: what the Studio, `npm run diagram` and the exports draw. Plain JSON.
 *
 * Nesting is by `parent`: the process holds one region per thread; a thread holds its context; a context holds its
 * stages (and a stage its sub-stages, or, for an expanded `dependOn`, the context it starts).
 */
export interface BotDiagram {
  bot: string;
  version: number;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

export type NodeKind = 'process' | 'intents' | 'thread' | 'context' | 'stage' | 'initial';

export type StageType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history' | 'choice';

export interface DiagramNode {
  /**
   * Unique in the diagram. Context instances are named by the path that starts them: `order`, or
   * `order.offeringMembership>member` for `member` expanded inside `order`'s `offeringMembership` stage. A stage is
   * `<instance>:<stage path>` (`order:ordering.flavor`), a thread `thread:<context>`, the process `process`.
   */
  id: string;
  kind: NodeKind;
  label: string;
  parent?: string;
  /** Context key (contexts, their stages and initial markers; threads: the thread's context). */
  context?: string;
  /** Dotted stage path inside the context (stages). */
  stage?: string;
  stageType?: StageType;
  /** The question a stage asks: its prompt, or `(computed)` when the prompt is a function. */
  prompt?: string;
  /** A `dependOn` stage: the context it starts; `expanded` when that context is drawn inside it. */
  dependOn?: string;
  expanded?: boolean;
  /** A final stage: the result status the context ends with (`done`, `cancelled`, …). */
  result?: string;
  /** Escapes this context or stage handles without leaving it (a handler with no target). */
  escapes?: EscapeKind[];
  /** Threads: the home thread (always running). */
  home?: boolean;
  /** Stage tags other than Parley's own; e.g. a yielding stage. */
  yields?: boolean;
  description?: string;
  /** The `intents` node: bot-wide intents and events that answer without opening a thread. */
  lines?: string[];
}

export type EdgeKind =
  | 'transition' // an event (intent, external event) moves to another stage
  | 'always' // an eventless (guarded) transition
  | 'result' // a dependOn child's result arrives
  | 'service' // an invoked service finished or failed
  | 'escape' // an escape handler with a target
  | 'dependOn' // a stage starts a context (drawn when not expanded)
  | 'opens' // a bot-wide intent or event opens (or blocks) a thread
  | 'initial'
  | 'routing'; // Parley's generated plumbing: turns forwarded down, what is not handled bubbled up

export interface DiagramEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  label: string;
  /** Event types the edge stands for (several transitions between the same stages are one edge). */
  events: string[];
  /** Intent names among them (without `intent.`; `*` for any intent). */
  intents: string[];
  /** Sample utterances from the bot's NLU corpus, by intent, when examples were given. */
  samples?: Record<string, string[]>;
}

export interface DiagramOptions {
  /** Show Parley's generated routing (turn forwarding, bubbling). Default false. */
  routing?: boolean;
  /** `dependOn` stages (`order:offeringMembership`) whose context is drawn inside them; `'all'`: every one. */
  expand?: 'all' | readonly string[];
  /** NLU corpus examples by intent, for sample utterances on intent edges. */
  examples?: Readonly<Record<string, readonly string[]>>;
  /** How many samples per intent (default 3). */
  samples?: number;
}

/** The nodes of a diagram by the id of their parent (`''` for the top), in the diagram's order. */
export function childrenByParent(diagram: BotDiagram): Map<string, DiagramNode[]> {
  const children = new Map<string, DiagramNode[]>();
  for (const node of diagram.nodes) {
    const key = node.parent ?? '';
    let list = children.get(key);
    if (!list) children.set(key, (list = []));
    list.push(node);
  }
  return children;
}
