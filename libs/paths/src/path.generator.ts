import type { BotDefinition, NluPort } from '@parley/dialogue-core';
import type { Corpus } from '@parley/nlu';
import { checkModel } from './check/model.checks';
import { CachingNlu } from './engine/caching.nlu';
import type { TurnEnvironment } from './engine/turn.runner';
import { InstrumentedBot } from './model/bot.instrumenter';
import { EventCatalog } from './model/event.catalog';
import { GraphExplorer, type ExploreStats } from './model/graph.explorer';
import type { PathGraph } from './model/path.graph';
import { resolvePathsConfig, type PathsConfig } from './paths.config';
import { replayPaths } from './replay/model.replay';
import { countedItems, coverage } from './report/coverage.report';
import type { PathsReport } from './report/paths.report';
import { selectPaths } from './select/path.selector';
import { transcriptFiles } from './transcript/transcript.files';
import type { TranscriptFile } from './transcript/transcript.types';

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
  const replayed = await replayPaths(env, config, graph, selected);
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
