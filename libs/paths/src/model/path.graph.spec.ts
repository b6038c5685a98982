import { getAdjacencyMap } from 'xstate/graph';
import { PathGraph, traversal, type GraphNode, type StateRecord } from './path.graph';
import { eventKey, type PathEvent } from './path.event';

/** A small deterministic generator (mulberry32), so that a failing graph can be rebuilt from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const say = (text: string): PathEvent => ({ type: 'say', text, intent: null });

/** Only what the traversal reads of a state record: its node, its events and its bound. */
function record(node: GraphNode, events: PathEvent[], boundedOut?: StateRecord['boundedOut']): StateRecord {
  return { node, events, ...(boundedOut ? { boundedOut } : {}) } as StateRecord;
}

/**
 * A graph as the explorer leaves it after some rounds: states with events, some edges run (to new states, back to
 * earlier ones, to themselves), some not yet, some states ended or bounded out.
 */
function randomGraph(seed: number): PathGraph {
  const next = random(seed);
  const size = 2 + Math.floor(next() * 40);
  const events = Array.from({ length: 6 }, (_, i) => say(`e${i}`));
  const graph = new PathGraph('s0');
  for (let i = 0; i < size; i++) {
    const ended = i > 0 && next() < 0.1;
    const bound = i > 0 && next() < 0.1 ? 'depth' : undefined;
    const own = events.filter(() => next() < 0.6);
    graph.states.set(`s${i}`, record({ key: `s${i}`, depth: 0, ended }, own, bound));
  }
  for (const [key, state] of graph.states) {
    for (const event of state.events) {
      if (next() < 0.25) continue; // not run yet
      const to = `s${Math.floor(next() * size)}`;
      graph.addEdge({ from: key, to, event, replies: [], trace: { entered: [], taken: [], calls: [] } });
    }
  }
  return graph;
}

function viaXState(graph: PathGraph): string[] {
  const pending: string[] = [];
  getAdjacencyMap(
    graph.logic((from, event) => pending.push(`${from.key} ${eventKey(event)}`)),
    traversal(graph),
  );
  return pending;
}

const viaWalk = (graph: PathGraph): string[] =>
  graph.pendingEdges().map(({ from, event }) => `${from.key} ${eventKey(event)}`);

describe('PathGraph.pendingEdges', () => {
  it('reports the edges not run yet in the order of XState’s getAdjacencyMap over the same graph', () => {
    let compared = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const graph = randomGraph(seed);
      const expected = viaXState(graph);
      expect({ seed, pending: viaWalk(graph) }).toEqual({ seed, pending: expected });
      compared += expected.length;
    }
    // The graphs are not trivial: together they leave hundreds of edges pending.
    expect(compared).toBeGreaterThan(300);
  });

  it('walks breadth first, and stops at ended conversations and bounded-out states', () => {
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(say) as [
      PathEvent,
      PathEvent,
      PathEvent,
      PathEvent,
      PathEvent,
    ];
    const ran = (from: string, to: string, event: PathEvent) =>
      graph.addEdge({ from, to, event, replies: [], trace: { entered: [], taken: [], calls: [] } });
    const graph = new PathGraph('start');
    graph.states.set('start', record({ key: 'start', depth: 0, ended: false }, [a, b]));
    graph.states.set('x', record({ key: 'x', depth: 1, ended: false }, [c]));
    graph.states.set('y', record({ key: 'y', depth: 1, ended: false }, [d]));
    graph.states.set('z', record({ key: 'z', depth: 2, ended: false }, [e]));
    ran('start', 'x', a);
    ran('start', 'y', b);
    ran('x', 'z', c);

    // y (one turn from the start) comes before z (two turns), though z was reached through the first event.
    expect(viaWalk(graph)).toEqual([`y ${eventKey(d)}`, `z ${eventKey(e)}`]);
    graph.states.get('z')!.node.ended = true;
    graph.states.get('y')!.boundedOut = 'states';
    expect(viaWalk(graph)).toEqual([]);
    expect(viaXState(graph)).toEqual([]);
  });
});
