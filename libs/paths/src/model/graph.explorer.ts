import type { BotDefinition } from '@parley/dialogue-core';
import { NEW_CONVERSATION, PATH_IDS, step, type Conversation, type TurnEnvironment } from '../engine/turn.runner';
import type { ResolvedPathsConfig } from '../paths.config';
import { PathsError } from '../paths.error';
import type { EventCatalog } from './event.catalog';
import { PathGraph, type StateRecord } from './path.graph';
import type { PathEvent } from './path.event';
import { focusLevel, identify } from './state.identity';

/** Alternatives tried per event when its turn calls services that have several samples. */
const MAX_SAMPLE_VARIANTS = 16;
/** An external event no bot handles: a turn that changes nothing, to read a new conversation's state. */
const PROBE_EVENT = 'parley.paths.probe';

export interface ExploreStats {
  rounds: number;
  turns: number;
  ms: number;
  /** Of `ms`, the time finding the pending edges took (`PathGraph.pendingEdges`, every round). */
  traversalMs: number;
}

/**
 * Builds the path graph with real turns. A walk of the recorded graph (`PathGraph.pendingEdges`, in the order of XState's
 * `getAdjacencyMap` over `PathGraph.logic()`) collects every edge it reaches that has not been run yet; each is run as a
 * real turn (`runTurn` + the real NLU, asynchronous), recorded, and the walk starts again, until nothing is pending.
 * Each round runs the edges of one more turn of depth, so `maxDepth` and `maxStates` bound it.
 */
export class GraphExplorer {
  readonly graph: PathGraph;
  private turns = 0;
  private traversalMs = 0;
  /** Sample variants added per state and event. */
  private readonly variants = new Map<string, number>();

  private constructor(
    private readonly env: TurnEnvironment,
    private readonly catalog: EventCatalog,
    private readonly config: ResolvedPathsConfig,
    initial: StateRecord,
  ) {
    this.graph = new PathGraph(initial.node.key);
    this.graph.states.set(initial.node.key, initial);
  }

  static async explore(
    env: TurnEnvironment,
    catalog: EventCatalog,
    config: ResolvedPathsConfig,
  ): Promise<{ graph: PathGraph; stats: ExploreStats }> {
    const started = performance.now();
    // The probe is an event no bot declares: it is let through on a copy of the bot for this one turn.
    const traced = env.bot;
    const probing: TurnEnvironment = {
      ...env,
      bot: {
        bot: { ...traced.bot, externalEvents: 'any' },
        original: traced.original,
        traced: (turn, forced) => traced.traced(turn, forced),
      },
    };
    const probe = await step(probing, NEW_CONVERSATION, { type: 'event', event: PROBE_EVENT, payload: {} });
    if (!probe.result) {
      const bot = env.bot.original.id;
      throw new PathsError('PATHS_BOT_CANNOT_START', `A new conversation of '${bot}' cannot start: ${probe.error}`, {
        bot,
      });
    }
    const snapshot = probe.result.state.snapshot;
    const bot = env.bot.original;
    const identity = identify(bot, snapshot, NEW_CONVERSATION.memory.view(bot, PATH_IDS), config);
    const openings = catalog.openings(snapshot);
    const initial: StateRecord = {
      node: { key: identity.key, depth: 0, ended: identity.ended },
      identity,
      conversation: NEW_CONVERSATION,
      openings,
      events: [...(await catalog.events(openings, focusLevel(identity)))],
      question: probe.result.pendingQuestion,
    };
    const explorer = new GraphExplorer(env, catalog, config, initial);
    const rounds = await explorer.run();
    const ms = performance.now() - started;
    return { graph: explorer.graph, stats: { rounds, turns: explorer.turns, ms, traversalMs: explorer.traversalMs } };
  }

  private async run(): Promise<number> {
    let rounds = 0;
    for (;;) {
      const traversed = performance.now();
      const pending = this.graph.pendingEdges();
      this.traversalMs += performance.now() - traversed;
      if (pending.length === 0) return rounds;
      rounds++;
      for (const { from, event } of pending) {
        const source = this.graph.states.get(from.key)!;
        if (source.boundedOut) continue;
        if (from.depth >= this.config.maxDepth) {
          source.boundedOut = 'depth';
          continue;
        }
        const { sleeping, yielding, blocking } = source.identity;
        if (sleeping.length + yielding.length + blocking.length > this.config.maxStacked) {
          source.boundedOut = 'stacked';
          continue;
        }
        await this.runEdge(source, event);
      }
    }
  }

  private async runEdge(source: StateRecord, event: PathEvent): Promise<void> {
    const bot: BotDefinition = this.env.bot.original;
    this.turns++;
    const outcome = await step(this.env, source.conversation, event);
    const result = outcome.result;
    let to = source.node.key;
    if (result) {
      const next: Conversation = outcome.next;
      const identity = identify(bot, result.state.snapshot, next.memory.view(bot, PATH_IDS), this.config);
      to = identity.key;
      if (!this.graph.states.has(to)) {
        if (this.graph.states.size >= this.config.maxStates) {
          source.boundedOut = 'states';
          return;
        }
        const openings = this.catalog.openings(result.state.snapshot);
        this.graph.states.set(to, {
          node: { key: to, depth: source.node.depth + 1, ended: identity.ended },
          identity,
          conversation: next,
          openings,
          events: identity.ended ? [] : [...(await this.catalog.events(openings, focusLevel(identity)))],
          question: result.pendingQuestion,
        });
      }
    }
    this.graph.addEdge({
      from: source.node.key,
      to,
      event,
      replies: result?.replies.map((reply) => reply.text) ?? [],
      ...(result?.pendingQuestion !== undefined ? { question: result.pendingQuestion } : {}),
      trace: outcome.trace,
      understood: result?.understanding
        ? {
            intent: result.understanding.intent,
            entities: result.understanding.entities.map((e) => `${e.name}=${String(e.value)}`),
          }
        : undefined,
      outcome: result?.outcome,
      ...(result?.problems.length ? { problems: result.problems } : {}),
      error: outcome.error,
    });
    this.addSampleVariants(source, event, outcome.trace.calls);
  }

  /**
   * A turn's service calls with other samples: the same event with each other answer is tried too (a variant fixes the
   * answers of the calls before the one it varies; its own later calls vary in turn), at most MAX_SAMPLE_VARIANTS per
   * event and state.
   */
  private addSampleVariants(
    source: StateRecord,
    event: PathEvent,
    calls: { sample: string; alternatives: string[] }[],
  ) {
    const { services: fixed = [], ...base } = event;
    const key = `${source.node.key}\u0000${JSON.stringify(base)}`;
    for (let position = fixed.length; position < calls.length; position++) {
      const before = calls.slice(0, position).map((call) => call.sample);
      for (const alternative of calls[position]!.alternatives) {
        const count = this.variants.get(key) ?? 0;
        if (count >= MAX_SAMPLE_VARIANTS) return;
        this.variants.set(key, count + 1);
        source.events.push({ ...event, services: [...before, alternative] });
      }
    }
  }
}
