import { TestModel } from 'xstate/graph';
import type { TurnTrace } from '../engine/service.sampler';
import type { TurnEnvironment } from '../engine/turn.runner';
import type { PathEvent } from '../model/path.event';
import { traversal, type GraphNode, type PathGraph } from '../model/path.graph';
import type { ResolvedPathsConfig } from '../paths.config';
import type { SelectedPath } from '../select/path.selector';
import type { PathTranscript } from '../transcript/transcript.types';
import { PathReplayer } from './path.replayer';

/** A chosen path played again: its transcript (title and covers still to be given) and what each turn did inside. */
export interface ReplayedPath {
  path: SelectedPath;
  transcript: PathTranscript;
  traces: TurnTrace[];
}

/**
 * Replay the chosen paths through the real engine, with XState's `TestModel` over the graph: each step runs a turn,
 * each state check compares where the conversation really is with where the graph says it should be.
 */
export async function replayPaths(
  env: TurnEnvironment,
  config: ResolvedPathsConfig,
  graph: PathGraph,
  selected: SelectedPath[],
): Promise<ReplayedPath[]> {
  const model = new TestModel(graph.logic(), {
    ...traversal(graph),
    logger: { log: () => undefined, error: () => undefined },
  });
  const snapshot = (key: string) => ({
    status: 'active' as const,
    output: undefined,
    error: undefined,
    context: graph.states.get(key)!.node,
  });
  const replayer = new PathReplayer(env, config);
  const results: ReplayedPath[] = [];
  for (const path of selected) {
    replayer.restart();
    const transcript: PathTranscript = { title: '', covers: [], turns: [] };
    const traces: TurnTrace[] = [];
    let reached = graph.initial;
    // XState types an executor's event by its `type` only; it is the whole PathEvent of the step.
    const run = async ({ event }: { event: { type: string } }) => {
      const { turn, key, trace } = await replayer.turn(event as PathEvent);
      transcript.turns.push(turn);
      traces.push(trace);
      reached = key;
    };
    await model.testPath(
      {
        state: snapshot(path.states[path.states.length - 1]!),
        steps: path.states.map((key, i) => ({
          state: snapshot(key),
          event: i === 0 ? ({ type: 'xstate.init' } as unknown as PathEvent) : path.events[i - 1]!,
        })),
        weight: path.events.length,
      },
      {
        events: { say: run, event: run },
        states: {
          '*': (state: { context: GraphNode }) => {
            const last = transcript.turns[transcript.turns.length - 1];
            if (last && reached !== state.context.key) {
              last.notes.push(`the graph expected «${graph.states.get(state.context.key)!.identity.label}» here`);
            }
          },
        },
      },
    );
    results.push({ path, transcript, traces });
  }
  return results;
}
