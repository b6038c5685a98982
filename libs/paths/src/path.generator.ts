import type { BotDefinition, NluPort } from '@parley/dialogue-core';
import type { Corpus } from '@parley/nlu';
import { TestModel } from 'xstate/graph';
import { checkModel } from './check/model.checks';
import { staticallyReachable } from './check/static.reachability';
import { CachingNlu } from './engine/caching.nlu';
import type { TurnTrace } from './engine/service.sampler';
import type { TurnEnvironment } from './engine/turn.runner';
import { InstrumentedBot } from './model/bot.instrumenter';
import { BOT_LEVEL, type BotInventory, type TransitionItem } from './model/bot.inventory';
import { EventCatalog } from './model/event.catalog';
import { GraphExplorer, type ExploreStats } from './model/graph.explorer';
import type { PathEvent } from './model/path.event';
import { traversal, type GraphNode, type PathGraph } from './model/path.graph';
import { resolvePathsConfig, type PathsConfig, type ResolvedPathsConfig } from './paths.config';
import { PathReplayer } from './replay/path.replayer';
import type { ContextCoverage, Figure, PathsReport, Uncovered } from './report/paths.report';
import { selectPaths, type SelectedPath } from './select/path.selector';
import type { PathTranscript, TranscriptFile } from './transcript/transcript.types';

export interface GenerateInput {
  bot: BotDefinition;
  /** The bot's real NLU (`BuiltinNlu`), and the corpus it was trained from: utterances come from there. */
  nlu: NluPort;
  corpus: Corpus;
  config?: PathsConfig;
}

export interface GeneratedPaths {
  report: PathsReport;
  files: TranscriptFile[];
  graph: PathGraph;
  stats: ExploreStats & { selectMs: number; replayMs: number };
}

/** Most goals named on a path's `covers:` line. */
const COVERS_SHOWN = 6;

/**
 * Generate a bot's path tests: explore its state graph with real turns, choose paths that cover every stage,
 * authored transition and escape handler reached, replay them into transcripts, and check the model.
 *
 * @example
 * const { report, files } = await generatePaths({ bot: juice, nlu, corpus: await nlu.corpus('juice') });
 */
export async function generatePaths(input: GenerateInput): Promise<GeneratedPaths> {
  const config = resolvePathsConfig(input.config);
  const instrumented = new InstrumentedBot(input.bot);
  const now = new Date(config.now);
  const env: TurnEnvironment = { bot: instrumented, nlu: new CachingNlu(input.nlu), clock: { now: () => now } };
  const catalog = new EventCatalog(input.bot, instrumented.inventory, input.corpus, env.nlu, config, now);
  const { graph, stats } = await GraphExplorer.explore(env, catalog, config);

  const inventory = instrumented.inventory;
  const counted = countedItems(inventory);
  const selectStarted = performance.now();
  const selected = selectPaths(graph, config.maxPaths, (item) => counted.has(item) || item.startsWith('anomaly:'));
  const selectMs = performance.now() - selectStarted;

  const replayStarted = performance.now();
  const replayed = await replay(env, config, graph, selected);
  const replayMs = performance.now() - replayStarted;

  const files = transcriptFiles(input.bot, inventory, config, replayed);
  const findings = checkModel({ bot: input.bot, inventory, graph, corpus: input.corpus, misroutes: catalog.misroutes });
  const covered = coverage(
    input.bot,
    inventory,
    graph,
    replayed.flatMap((path) => path.traces),
    input.corpus,
  );
  const report: PathsReport = {
    bot: input.bot.id,
    paths: replayed.length,
    stages: covered.stages,
    transitions: covered.transitions,
    escapes: covered.escapes,
    findings,
    contexts: covered.contexts,
    uncovered: covered.uncovered,
    graph: {
      states: graph.states.size,
      edges: graph.allEdges().length,
      turns: stats.turns,
      ms: Math.round(stats.ms),
      boundedOut: {
        depth: [...graph.states.values()].filter((s) => s.boundedOut === 'depth').length,
        stacked: [...graph.states.values()].filter((s) => s.boundedOut === 'stacked').length,
        states: [...graph.states.values()].filter((s) => s.boundedOut === 'states').length,
      },
    },
  };
  return { report, files, graph, stats: { ...stats, selectMs, replayMs } };
}

interface ReplayedPath {
  path: SelectedPath;
  transcript: PathTranscript;
  traces: TurnTrace[];
}

/** Every coverage item the report counts: `stage:<id>` and `transition:<id>` (escape handlers are transitions). */
function countedItems(inventory: BotInventory): Set<string> {
  return new Set([
    ...inventory.stages.map((stage) => `stage:${stage.id}`),
    ...[...inventory.transitions, ...inventory.escapes].map((t) => `transition:${t.id}`),
  ]);
}

/**
 * Replay the chosen paths through the real engine, with XState's `TestModel` over the graph: each step runs a turn,
 * each state check compares where the conversation really is with where the graph says it should be.
 */
async function replay(
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

function labelOf(inventory: BotInventory, item: string): string {
  if (item.startsWith('stage:')) return `stage ${item.slice(6)}`;
  if (item.startsWith('transition:')) {
    const id = item.slice(11);
    return [...inventory.transitions, ...inventory.escapes].find((t) => t.id === id)?.label ?? id;
  }
  return 'an engine anomaly';
}

function contextOf(inventory: BotInventory, item: string): string {
  if (item.startsWith('stage:')) return item.slice(6).split('.')[0]!;
  if (item.startsWith('transition:')) return item.slice(11).split('|')[0]!;
  return BOT_LEVEL;
}

/** One file per context (the context of what each path was chosen for), in the order of the statecharts. */
function transcriptFiles(
  bot: BotDefinition,
  inventory: BotInventory,
  config: ResolvedPathsConfig,
  replayed: ReplayedPath[],
): TranscriptFile[] {
  const order = new Map<string, number>();
  inventory.stages.forEach((s, i) => order.set(`stage:${s.id}`, i));
  [...inventory.transitions, ...inventory.escapes].forEach((t, i) => order.set(`transition:${t.id}`, 10_000 + i));
  const byOrder = (a: string, b: string) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9);
  // A path is filed and titled by what its last turn covers (what it was chosen for).
  const goalOf = (path: ReplayedPath) =>
    [...(path.path.purpose.length ? path.path.purpose : path.path.goals)].sort(byOrder)[0]!;
  const rank = (path: ReplayedPath) => order.get(goalOf(path)) ?? 100_000;
  const byContext = new Map<string, ReplayedPath[]>();
  for (const path of [...replayed].sort((a, b) => rank(a) - rank(b) || a.path.events.length - b.path.events.length)) {
    const goal = goalOf(path);
    const context = contextOf(inventory, goal);
    const list = byContext.get(context) ?? [];
    byContext.set(context, list);
    const labels = path.path.goals.map((g) => labelOf(inventory, g));
    path.transcript.title = `${list.length + 1}. ${labelOf(inventory, goal)}`;
    path.transcript.covers =
      labels.length > COVERS_SHOWN
        ? [...labels.slice(0, COVERS_SHOWN), `… ${labels.length - COVERS_SHOWN} more`]
        : labels;
    list.push(path);
  }
  const contexts = [...inventory.contexts, BOT_LEVEL].filter((c, i, all) => all.indexOf(c) === i);
  return contexts
    .filter((context) => byContext.has(context))
    .map((context) => ({
      name: `${context === BOT_LEVEL ? 'bot' : context}.paths.txt`,
      bot: bot.id,
      now: config.now,
      paths: byContext.get(context)!.map((path) => path.transcript),
    }));
}

function coverage(
  bot: BotDefinition,
  inventory: BotInventory,
  graph: PathGraph,
  traces: TurnTrace[],
  corpus: Corpus,
): Pick<PathsReport, 'stages' | 'transitions' | 'escapes' | 'contexts' | 'uncovered'> {
  const entered = new Set(traces.flatMap((t) => t.entered));
  const taken = new Set(traces.flatMap((t) => t.taken));
  const explored = graph.allEdges();
  const enteredInGraph = new Set(explored.flatMap((e) => e.trace.entered));
  const takenInGraph = new Set(explored.flatMap((e) => e.trace.taken));
  const complete = [...graph.states.values()].every((state) => !state.boundedOut);
  const statically = staticallyReachable(bot);
  const stages = inventory.stages;
  const uncovered: Uncovered[] = [];
  for (const stage of stages) {
    if (entered.has(stage.id)) continue;
    const reason =
      enteredInGraph.has(stage.id) || !complete
        ? 'bounded out'
        : statically.has(stage.id)
          ? 'needs data'
          : 'unreachable';
    uncovered.push({ kind: 'stage', context: stage.context, stage: stage.stage, item: stage.id, reason });
  }
  const transitionReason = (t: TransitionItem): Uncovered['reason'] => {
    if (takenInGraph.has(t.id)) return 'bounded out';
    const intent = t.event.startsWith('intent.') && t.event !== 'intent.*' ? t.event.slice(7) : undefined;
    if (intent && (intent === 'none' ? corpus.none.length === 0 : !corpus.intents[intent]?.length)) return 'no example';
    const source = t.stage ? `${t.context}.${t.stage}` : undefined;
    const sourceReached =
      t.context === BOT_LEVEL ||
      (source ? enteredInGraph.has(source) : [...enteredInGraph].some((id) => id.startsWith(`${t.context}.`)));
    if (sourceReached) return 'needs data';
    return complete ? 'unreachable' : 'bounded out';
  };
  for (const t of [...inventory.transitions, ...inventory.escapes]) {
    if (!taken.has(t.id)) {
      uncovered.push({
        kind: t.escape ? 'escape' : 'transition',
        context: t.context,
        stage: t.stage,
        event: t.event,
        item: t.label,
        reason: transitionReason(t),
      });
    }
  }
  const figure = <T>(items: T[], covered: (item: T) => boolean): Figure => ({
    covered: items.filter(covered).length,
    total: items.length,
  });
  const contexts: ContextCoverage[] = inventory.contexts.map((context) => ({
    context,
    stages: figure(
      stages.filter((s) => s.context === context),
      (s) => entered.has(s.id),
    ),
    transitions: figure(
      inventory.transitions.filter((t) => t.context === context),
      (t) => taken.has(t.id),
    ),
    escapes: figure(
      inventory.escapes.filter((t) => t.context === context),
      (t) => taken.has(t.id),
    ),
  }));
  return {
    stages: figure(stages, (s) => entered.has(s.id)),
    transitions: figure(inventory.transitions, (t) => taken.has(t.id)),
    escapes: figure(inventory.escapes, (t) => taken.has(t.id)),
    contexts,
    uncovered,
  };
}
