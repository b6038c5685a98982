import { intentsWithoutExamples, type BotDefinition } from '@parley/dialogue-core';
import type { Corpus } from '@parley/nlu';
import { BOT_LEVEL, type BotInventory } from '../model/bot.inventory';
import { describeEvent } from '../model/path.event';
import type { EdgeRecord, PathGraph, StateRecord } from '../model/path.graph';
import { focusLevel, type LevelView } from '../model/state.identity';
import type { Finding } from '../report/paths.report';
import type { Misroute } from '../model/event.catalog';
import { staticallyReachable } from './static.reachability';

export interface CheckInput {
  bot: BotDefinition;
  inventory: BotInventory;
  graph: PathGraph;
  corpus: Corpus;
  misroutes: readonly Misroute[];
}

/**
 * Model checks on the explored graph (and, for reachability, on the statecharts themselves). The home context is the
 * floor of every conversation: it never ends and its question is answered by opening another task, so it is not
 * checked for dead ends or ways out.
 */
export function checkModel(input: CheckInput): Finding[] {
  const findings = [
    ...unreachable(input),
    ...deadEnds(input),
    ...noWayOut(input),
    ...noExample(input),
    ...missingPrompts(input),
    ...misrouted(input),
    ...engineAnomalies(input),
  ];
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.kind}|${finding.context}|${finding.stage}|${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function unreachable({ bot, inventory, graph }: CheckInput): Finding[] {
  const statically = staticallyReachable(bot);
  const entered = new Set(graph.allEdges().flatMap((edge) => edge.trace.entered));
  const complete = [...graph.states.values()].every((state) => !state.boundedOut);
  const findings: Finding[] = [];
  for (const stage of inventory.stages) {
    if (!statically.has(stage.id)) {
      findings.push({
        kind: 'unreachable',
        context: stage.context,
        stage: stage.stage,
        message: `Stage ${stage.id} can never be reached: no transition leads to it. Add a transition with target '${stage.stage}' (e.g. from a stage that asks for it), or remove the stage.`,
      });
    } else if (complete && !entered.has(stage.id)) {
      findings.push({
        kind: 'unreachable',
        context: stage.context,
        stage: stage.stage,
        message: `Stage ${stage.id} was never reached: transitions lead to it, but none fired with the corpus examples, samples and data tried. Give the NLU corpus an example that makes its guard true, declare the data its guard reads in the paths config (identity), or remove the stage.`,
      });
    }
  }
  return findings;
}

/** States from which some state in `seeds` can be reached (following the edges `follow` accepts, forwards). */
function reaching(
  graph: PathGraph,
  seeds: Iterable<string>,
  follow: (edge: EdgeRecord) => boolean = () => true,
): Set<string> {
  const predecessors = new Map<string, string[]>();
  for (const edge of graph.allEdges()) {
    if (edge.from === edge.to || !follow(edge)) continue;
    let list = predecessors.get(edge.to);
    if (!list) predecessors.set(edge.to, (list = []));
    list.push(edge.from);
  }
  const found = new Set(seeds);
  const queue = [...found];
  while (queue.length) {
    for (const from of predecessors.get(queue.shift()!) ?? []) {
      if (!found.has(from)) {
        found.add(from);
        queue.push(from);
      }
    }
  }
  return found;
}

/** Every context level of a state: thread → chain, depth first. */
function levels(state: StateRecord): LevelView[] {
  const all: LevelView[] = [];
  const visit = (level: LevelView) => {
    all.push(level);
    level.children.forEach(visit);
  };
  Object.values(state.identity.threads).forEach(visit);
  return all;
}

/** A user message that is an escape (cancel, back, quit): it leaves a task, it does not move it on. */
function isEscape(bot: BotDefinition, edge: EdgeRecord): boolean {
  const { cancel, quit, back } = bot.systemIntents;
  const escapes = [cancel, quit, back];
  return (
    edge.event.type === 'say' &&
    (escapes.includes(edge.event.intent ?? '') || escapes.includes(edge.understood?.intent ?? ''))
  );
}

function deadEnds({ bot, inventory, graph }: CheckInput): Finding[] {
  const bounded = reaching(
    graph,
    [...graph.states.values()].filter((state) => state.boundedOut).map((state) => state.node.key),
  );
  const finals = new Map<string, Set<string>>();
  for (const stage of inventory.stages) {
    if (stage.final)
      (finals.get(stage.context) ?? finals.set(stage.context, new Set()).get(stage.context)!).add(stage.id);
  }
  const canFinish = new Map<string, Set<string>>();
  const finishing = (context: string) => {
    let set = canFinish.get(context);
    if (!set) {
      const ids = finals.get(context) ?? new Set<string>();
      const seeds = graph
        .allEdges()
        .filter((edge) => !isEscape(bot, edge) && edge.trace.entered.some((id) => ids.has(id)))
        .map((edge) => edge.from);
      canFinish.set(context, (set = reaching(graph, seeds, (edge) => !isEscape(bot, edge))));
    }
    return set;
  };
  const findings = new Map<string, Finding>();
  for (const state of graph.states.values()) {
    if (state.identity.ended || bounded.has(state.node.key)) continue;
    for (const level of levels(state)) {
      const key = `${level.context}|${level.stage}`;
      if (level.context === bot.home || findings.has(key) || finishing(level.context).has(state.node.key)) continue;
      findings.set(key, {
        kind: 'dead-end',
        context: level.context,
        stage: level.stage,
        message: `From ${level.context}.${level.stage} no final stage of '${level.context}' can be reached (e.g. in state «${state.identity.label}»): only an escape (cancel, back, quit) leaves it. Add a transition that leads on to a finish(...) stage.`,
      });
    }
  }
  return [...findings.values()];
}

function innermost(level: LevelView): LevelView {
  return level.children.length === 1 ? innermost(level.children[0]!) : level;
}

function stagesOnly(level: LevelView | undefined): string {
  if (!level) return '';
  return `${level.context}.${level.stage}(${level.children.map(stagesOnly).join(',')})`;
}

function noWayOut({ bot, inventory, graph }: CheckInput): Finding[] {
  const questions = new Set(inventory.stages.filter((stage) => stage.question).map((stage) => stage.id));
  const verdicts = new Map<string, { level: LevelView; out: boolean; unknown: boolean; state: StateRecord }>();
  for (const state of graph.states.values()) {
    const thread = state.identity.threads[state.identity.focus];
    if (state.identity.ended || !thread || state.identity.blocking.length) continue;
    const level = innermost(thread);
    const id = `${level.context}.${level.stage}`;
    if (level.context === bot.home || !questions.has(id)) continue;
    const before = stagesOnly(thread);
    let out = false;
    for (const edge of graph.edges.get(state.node.key)?.values() ?? []) {
      if (edge.event.type !== 'say' || isEscape(bot, edge)) continue;
      const target = graph.states.get(edge.to)!;
      if (target.identity.ended) continue;
      if (stagesOnly(target.identity.threads[state.identity.focus]) !== before) out = true;
    }
    const verdict = verdicts.get(id) ?? { level, out: false, unknown: false, state };
    verdict.out ||= out;
    verdict.unknown ||= state.boundedOut !== undefined;
    verdicts.set(id, verdict);
  }
  const findings: Finding[] = [];
  for (const [id, { level, out, unknown }] of verdicts) {
    if (out || unknown) continue;
    findings.push({
      kind: 'no-way-out',
      context: level.context,
      stage: level.stage,
      message: `Question ${id} has no way out but escapes: no answer tried (corpus examples of every intent it accepts) leads anywhere else, only cancel, back or quit do. Handle the intents that answer it (e.g. 'intent.inform' with a guard on the entity it asks for), or give the corpus examples that its guards accept.`,
    });
  }
  return findings;
}

/** Intents handled by name that the corpus has no example of (the engine's own check, per place it is handled). */
function noExample({ bot, corpus }: CheckInput): Finding[] {
  return intentsWithoutExamples(bot, Object.keys(corpus.intents)).flatMap(({ where, message }) =>
    where.map((place) => {
      if (place === 'bot-wide') return { kind: 'no-example' as const, context: BOT_LEVEL, stage: '', message };
      const dot = place.indexOf('.');
      const stage = place.slice(dot + 1);
      return {
        kind: 'no-example' as const,
        context: place.slice(0, dot),
        stage: stage === '(context)' ? '' : stage,
        message,
      };
    }),
  );
}

function missingPrompts({ bot, inventory, graph }: CheckInput): Finding[] {
  const yielding = new Set(inventory.stages.filter((stage) => stage.yielding).map((stage) => stage.id));
  const findings: Finding[] = [];
  for (const state of graph.states.values()) {
    const thread = state.identity.threads[state.identity.focus];
    if (state.identity.ended || !thread || state.question !== undefined) continue;
    const level = innermost(thread);
    if (yielding.has(`${level.context}.${level.stage}`) || level.context === bot.home) continue;
    findings.push({
      kind: 'missing-prompt',
      context: level.context,
      stage: level.stage,
      message: `Stage ${level.context}.${level.stage} waits for the user but asks nothing, so after an interruption, a back step or a message that was not understood the bot has no question to ask again. Make it an ask({ prompt, … }) stage (or give its prompt a non-empty text).`,
    });
  }
  return findings;
}

function misrouted({ misroutes }: CheckInput): Finding[] {
  return misroutes.map((m) => ({
    kind: 'misrouted' as const,
    context: m.context,
    stage: m.stage,
    message: `The corpus example «${m.text}» of intent '${m.intent ?? 'none'}' is understood as '${m.understood ?? 'none'}' at ${m.context}.${m.stage}: users who say it get the wrong answer. Move it to the intent it means, or add examples to '${m.intent ?? 'none'}' that look like it.`,
  }));
}

function engineAnomalies({ graph }: CheckInput): Finding[] {
  const findings: Finding[] = [];
  for (const edge of graph.allEdges()) {
    const source = graph.states.get(edge.from)!;
    const { context, stage } = focusLevel(source.identity);
    const where = stage ? `${context}.${stage}` : context;
    if (edge.error) {
      findings.push({
        kind: 'engine',
        context,
        stage,
        message: `The engine threw on ${describeEvent(edge.event)} at ${where} (${edge.error}). A turn must never throw for what a user or an author can cause: this is a defect of Parley; the transcript marks it with '!'.`,
      });
    } else if (edge.event.type === 'say' && edge.replies.length === 0) {
      findings.push({
        kind: 'silence',
        context,
        stage,
        message: `The bot says nothing to ${describeEvent(edge.event)} at ${where}. Say something in the transition that handles it, or lead to a stage that asks a question.`,
      });
    }
    for (const problem of edge.problems ?? []) {
      if (problem.code === 'SERVICE_FAILED') continue; // a service that fails is a failure escape the bot handles
      findings.push({
        kind: problem.code === 'TURN_LOOP' ? 'loop' : 'crash',
        // A crashed context is reported where its parent waited; the user was at the focused stage.
        context: problem.stage && !problem.stage.startsWith('(') ? (problem.context ?? context) : context,
        stage: problem.stage && !problem.stage.startsWith('(') ? problem.stage : stage,
        message: `${problem.message} (on ${describeEvent(edge.event)} at ${where}). ${
          problem.code === 'TURN_LOOP'
            ? 'Give the loop a way to stop: a guard that fails once the data changed, or a stage that waits for the user.'
            : 'An action, guard or prompt of the context threw: fix it (the user got a failure escape instead).'
        }`,
      });
    }
  }
  return findings;
}
