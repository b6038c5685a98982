import type { BotDefinition } from '@parley/dialogue-core';
import type { Corpus } from '@parley/nlu';
import { staticallyReachable } from '../check/static.reachability';
import type { TurnTrace } from '../engine/service.sampler';
import { BOT_LEVEL, type BotInventory, type TransitionItem } from '../model/bot.inventory';
import type { PathGraph } from '../model/path.graph';
import type { ContextCoverage, Figure, PathsReport, Uncovered } from './paths.report';

/** Every coverage item the report counts: `stage:<id>` and `transition:<id>` (escape handlers are transitions). */
export function countedItems(inventory: BotInventory): Set<string> {
  return new Set([
    ...inventory.stages.map((stage) => `stage:${stage.id}`),
    ...[...inventory.transitions, ...inventory.escapes].map((t) => `transition:${t.id}`),
  ]);
}

/**
 * What the generated paths cover (`traces`: every turn they took), per context and in total, and why the rest is not
 * covered (read from the whole explored graph).
 */
export function coverage(
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
