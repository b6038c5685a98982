import { getShortestPaths } from 'xstate/graph';
import type { PathEvent } from '../model/path.event';
import { traversal, type EdgeRecord, type PathGraph } from '../model/path.graph';

/** A conversation to generate: the events from a new conversation, and what it was chosen for. */
export interface SelectedPath {
  /** Keys of the states it goes through, the start first (one more than `events`). */
  states: string[];
  events: PathEvent[];
  /** The coverage items (`stage:` / `transition:` ids) it covers that no earlier path does. */
  goals: string[];
  /** Those of its goals that its last turn covers: what the path was chosen for. */
  purpose: string[];
}

/** The coverage items one recorded turn touches: stages entered, authored transitions taken, engine anomalies. */
export function itemsOf(edge: EdgeRecord): string[] {
  const items = [...edge.trace.entered.map((id) => `stage:${id}`), ...edge.trace.taken.map((id) => `transition:${id}`)];
  if (edge.error) items.push(`anomaly:${edge.from}|${edge.error}`);
  return items;
}

/**
 * Choose the paths to generate. XState's `getShortestPaths` gives the shortest way to every state of the graph;
 * every coverage item is then reached by the shortest such path followed by one edge that touches it, and a greedy
 * cover keeps the fewest of those paths that still touch every item (most new items first, shorter first), up to
 * `maxPaths`. A path that is the beginning of another one is dropped.
 */
export function selectPaths(graph: PathGraph, maxPaths: number, counted: (item: string) => boolean): SelectedPath[] {
  const shortest = new Map<string, { states: string[]; events: PathEvent[] }>();
  for (const path of getShortestPaths(graph.logic(), traversal(graph))) {
    // steps[0] is the start (event xstate.init); steps[i].state is where steps[i].event led.
    shortest.set(path.state.context.key, {
      states: path.steps.map((s) => s.state.context.key),
      events: path.steps.slice(1).map((s) => s.event),
    });
  }

  // Per item, the shortest path ending with an edge that touches it (edges in the order they were explored).
  const best = new Map<string, { edge: EdgeRecord; length: number }>();
  for (const edge of graph.allEdges()) {
    const prefix = shortest.get(edge.from);
    if (!prefix) continue;
    for (const item of itemsOf(edge)) {
      if (!counted(item)) continue;
      const known = best.get(item);
      if (!known || prefix.events.length + 1 < known.length) best.set(item, { edge, length: prefix.events.length + 1 });
    }
  }

  const candidates = new Map<EdgeRecord, { path: SelectedPath; items: Set<string> }>();
  for (const { edge } of best.values()) {
    if (candidates.has(edge)) continue;
    const prefix = shortest.get(edge.from)!;
    const path: SelectedPath = {
      states: [...prefix.states, edge.to],
      events: [...prefix.events, edge.event],
      goals: [],
      purpose: [],
    };
    candidates.set(edge, { path, items: new Set(itemsAlong(graph, path).filter(counted)) });
  }

  const covered = new Set<string>();
  const chosen: SelectedPath[] = [];
  const pool = [...candidates.values()];
  while (chosen.length < maxPaths) {
    let pick: (typeof pool)[number] | undefined;
    let gain = 0;
    for (const candidate of pool) {
      let fresh = 0;
      for (const item of candidate.items) if (!covered.has(item)) fresh++;
      if (fresh > gain || (fresh === gain && fresh > 0 && candidate.path.events.length < pick!.path.events.length)) {
        pick = candidate;
        gain = fresh;
      }
    }
    if (!pick) break;
    pick.path.goals = [...pick.items].filter((item) => !covered.has(item));
    const last = graph.edge(
      pick.path.states[pick.path.states.length - 2]!,
      pick.path.events[pick.path.events.length - 1]!,
    );
    pick.path.purpose = last ? itemsOf(last).filter((item) => pick.path.goals.includes(item)) : [];
    for (const item of pick.items) covered.add(item);
    chosen.push(pick.path);
  }
  return withoutPrefixes(chosen);
}

/** Every coverage item touched along a path, in order. */
export function itemsAlong(graph: PathGraph, path: { states: string[]; events: PathEvent[] }): string[] {
  return path.events.flatMap((event, i) => {
    const edge = graph.edge(path.states[i]!, event);
    return edge ? itemsOf(edge) : [];
  });
}

function withoutPrefixes(paths: SelectedPath[]): SelectedPath[] {
  const keyOf = (path: SelectedPath) => path.events.map((e) => JSON.stringify(e));
  return paths.filter((path, i) => {
    const mine = keyOf(path);
    return !paths.some((other, j) => {
      if (j === i || other.events.length <= path.events.length) return false;
      const theirs = keyOf(other);
      if (!mine.every((key, k) => key === theirs[k])) return false;
      other.goals.push(...path.goals.filter((goal) => !other.goals.includes(goal)));
      return true;
    });
  });
}
