import type { TurnProblem } from '@parley/dialogue-core';
import { fromTransition } from 'xstate';
import type { Conversation } from '../engine/turn.runner';
import type { TurnTrace } from '../engine/service.sampler';
import type { Openings } from './event.catalog';
import { eventKey, type PathEvent } from './path.event';
import type { StateIdentity } from './state.identity';

/** A state of the path graph as XState's graph functions see it: identified by `key`. */
export interface GraphNode {
  key: string;
  depth: number;
  ended: boolean;
  /** A placeholder for an edge the explorer has not run yet. */
  pending?: true;
}

/** A state of the graph, with the conversation that first reached it (the one its edges were run from). */
export interface StateRecord {
  node: GraphNode;
  identity: StateIdentity;
  conversation: Conversation;
  openings: Openings;
  /** The events tried here (corpus examples, external events, then service-sample variants found on the way). */
  events: PathEvent[];
  /** The question the bot waits for here, as the turn that arrived here resolved it. */
  question?: string;
  /** Not explored: deeper than `maxDepth`, more threads stacked than `maxStacked`, or the state limit was reached first. */
  boundedOut?: 'depth' | 'stacked' | 'states';
}

/** One real turn from a state's conversation, as it went. */
export interface EdgeRecord {
  from: string;
  to: string;
  event: PathEvent;
  replies: string[];
  /** The question the bot waits for after the turn (resolved with this conversation's data). */
  question?: string;
  trace: TurnTrace;
  /** What the NLU understood (user messages). */
  understood?: { intent: string | null; entities: string[] };
  outcome?: string;
  /** What failed inside the turn and was handled as a failure escape (a loop, a context that threw, a service). */
  problems?: TurnProblem[];
  error?: string;
}

/** The explored graph: states by key and, per state, edges by event key. */
export class PathGraph {
  readonly states = new Map<string, StateRecord>();
  readonly edges = new Map<string, Map<string, EdgeRecord>>();

  constructor(readonly initial: string) {}

  edge(from: string, event: PathEvent): EdgeRecord | undefined {
    return this.edges.get(from)?.get(eventKey(event));
  }

  addEdge(edge: EdgeRecord): void {
    let out = this.edges.get(edge.from);
    if (!out) this.edges.set(edge.from, (out = new Map()));
    out.set(eventKey(edge.event), edge);
  }

  allEdges(): EdgeRecord[] {
    return [...this.edges.values()].flatMap((out) => [...out.values()]);
  }

  /** The events tried at a state (the pending-edge walk, XState's traversals): none past the bounds or at the end. */
  eventsAt(node: GraphNode): PathEvent[] {
    if (node.pending || node.ended) return [];
    const record = this.states.get(node.key);
    return record && !record.boundedOut ? record.events : [];
  }

  /**
   * The edges not run yet, in the order XState's `getAdjacencyMap(this.logic(onPending), traversal(this))` reports
   * them: breadth first from the initial state, each state's events in order, nothing past a pending edge, an ended
   * conversation or a bounded-out state. The explorer asks for them once per round of depth; this walk is the
   * traversal without its snapshot objects (a queue of keys, each state visited once), about a fifth of the
   * exploration's time for juice when it went through `getAdjacencyMap`. `path.graph.spec.ts` holds the two equal.
   */
  pendingEdges(): { from: GraphNode; event: PathEvent }[] {
    const pending: { from: GraphNode; event: PathEvent }[] = [];
    const queued = new Set<string>([this.initial]);
    const queue: string[] = [this.initial];
    for (let head = 0; head < queue.length; head++) {
      const record = this.states.get(queue[head]!)!;
      const out = this.edges.get(record.node.key);
      for (const event of this.eventsAt(record.node)) {
        const edge = out?.get(eventKey(event));
        if (!edge) {
          pending.push({ from: record.node, event });
        } else if (!queued.has(edge.to)) {
          queued.add(edge.to);
          queue.push(edge.to);
        }
      }
    }
    return pending;
  }

  /**
   * The graph as actor logic for XState's graph functions (`getShortestPaths`, `getAdjacencyMap`, `TestModel`): its
   * step looks the recorded turn up, synchronously. An edge not run yet leads to a pending placeholder and is
   * reported to `onPending`, so that the explorer can run it and traverse again.
   */
  logic(onPending?: (from: GraphNode, event: PathEvent) => void) {
    const initial = this.states.get(this.initial)!.node;
    return fromTransition((node: GraphNode, event: PathEvent): GraphNode => {
      if (node.pending) return node;
      const edge = this.edge(node.key, event);
      if (edge) return this.states.get(edge.to)!.node;
      onPending?.(node, event);
      return { key: `(pending) ${node.key} ${eventKey(event)}`, depth: node.depth + 1, ended: false, pending: true };
    }, initial);
  }
}

/** Traversal options shared by every use of XState's graph functions on the path graph. */
export function traversal(graph: PathGraph) {
  return {
    events: (snapshot: { context: GraphNode }) => graph.eventsAt(snapshot.context),
    serializeState: (snapshot: { context: GraphNode }) => snapshot.context.key,
    serializeEvent: eventKey,
    stopWhen: (snapshot: { context: GraphNode }) => snapshot.context.pending === true || snapshot.context.ended,
  };
}
