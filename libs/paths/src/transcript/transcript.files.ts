import type { BotDefinition } from '@parley/dialogue-core';
import { BOT_LEVEL, type BotInventory } from '../model/bot.inventory';
import type { ResolvedPathsConfig } from '../paths.config';
import type { ReplayedPath } from '../replay/model.replay';
import type { TranscriptFile } from './transcript.types';

/** Most goals named on a path's `covers:` line. */
const COVERS_SHOWN = 6;

function labelOf(inventory: BotInventory, item: string): string {
  if (item.startsWith('stage:')) return `stage ${item.slice(6)}`;
  if (item.startsWith('transition:')) {
    const id = item.slice(11);
    return [...inventory.transitions, ...inventory.escapes].find((t) => t.id === id)?.label ?? id;
  }
  return 'an engine anomaly';
}

function contextOf(item: string): string {
  if (item.startsWith('stage:')) return item.slice(6).split('.')[0]!;
  if (item.startsWith('transition:')) return item.slice(11).split('|')[0]!;
  return BOT_LEVEL;
}

/** One file per context (the context of what each path was chosen for), in the order of the statecharts. */
export function transcriptFiles(
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
    const context = contextOf(goal);
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
