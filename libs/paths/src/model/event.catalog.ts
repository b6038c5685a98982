import { focusChain, openIntents, type BotDefinition, type Json, type NluPort } from '@parley/dialogue-core';
import type { Corpus } from '@parley/nlu';
import { createActor, getStateNodes, type AnyActorRef } from 'xstate';
import type { ResolvedPathsConfig } from '../paths.config';
import type { BotInventory } from './bot.inventory';
import type { PathEvent } from './path.event';

/** Said when a corpus has no `none:` example that the NLU leaves not understood. */
export const NOT_UNDERSTOOD_FALLBACK = '???';

/** A corpus example the NLU understands as another intent than the one it is an example of. */
export interface Misroute {
  text: string;
  intent: string | null;
  understood: string | null;
  /** Where it happened first: the innermost stage of the focused thread. */
  context: string;
  stage: string;
}

/** Where the user's next message goes, read from a stored state: what the NLU is told and what the stages accept. */
export interface Openings {
  /** The intents open at the focused stage, as the engine tells the NLU. */
  open: string[];
  /** A stage on the way accepts any intent (`intent.*`), e.g. to take a slot from whatever was said. */
  wildcard: boolean;
}

/**
 * The events tried at each state of the graph: for every intent the state accepts, corpus examples with distinct
 * understandings (the real NLU, told the open intents); `none:` examples for "not understood"; and every external
 * event the bot handles, with its sample payloads. Cancel, back and quit are intents, so their examples come too.
 */
export class EventCatalog {
  private readonly byOpenings = new Map<string, Promise<PathEvent[]>>();
  private readonly misrouted = new Map<string, Misroute>();

  constructor(
    private readonly bot: BotDefinition,
    private readonly inventory: BotInventory,
    private readonly corpus: Corpus,
    private readonly nlu: NluPort,
    private readonly config: ResolvedPathsConfig,
    private readonly now: Date,
  ) {}

  /** Read the openings of a stored state (restoring the tree runs nothing: no entry action, no guard). */
  openings(snapshot: Json): Openings {
    const root: AnyActorRef = createActor(this.bot.process, { snapshot: snapshot as any });
    root.subscribe({ error: () => undefined });
    root.start();
    try {
      const process: any = root.getSnapshot();
      if (process.status !== 'active') return { open: [], wildcard: false };
      // What the engine tells the NLU (runTurn does the same).
      const { cancel, quit, back, affirm, deny } = this.bot.systemIntents;
      const open = openIntents(root, [cancel, quit, back], [affirm, deny]);
      // A blocking thread takes the next message: any intent may matter there.
      if (process.context.blocking?.length) return { open, wildcard: true };
      const wildcard = focusChain(root).some((level) => {
        const snapshot: any = level.actor.getSnapshot();
        const ids = [snapshot.machine.root, ...getStateNodes(snapshot.machine.root, snapshot.value)].map(
          (node: { id: string }) => node.id,
        );
        return ids.some((id) => this.inventory.wildcardNodes.has(id));
      });
      return { open, wildcard };
    } finally {
      root.stop();
    }
  }

  /** Corpus examples the NLU understood as another intent, at the first state where each happened. */
  get misroutes(): Misroute[] {
    return [...this.misrouted.values()];
  }

  /** The events tried at a state with these openings (computed once per distinct openings); `where` names the state. */
  events(openings: Openings, where: { context: string; stage: string }): Promise<PathEvent[]> {
    const key = `${openings.wildcard ? '*' : ''}${[...openings.open].sort().join(',')}`;
    let events = this.byOpenings.get(key);
    if (!events) {
      events = this.compute(openings, where);
      this.byOpenings.set(key, events);
    }
    return events;
  }

  private async compute({ open, wildcard }: Openings, where: { context: string; stage: string }): Promise<PathEvent[]> {
    const events: PathEvent[] = [];
    const seen = new Set<string>();
    const understand = async (text: string, label?: string | null): Promise<{ key: string; intent: string | null }> => {
      const u = await this.nlu.understand(text, {
        bot: this.bot.id,
        locale: this.bot.locale,
        openIntents: open,
        timeZone: this.bot.timeZone,
        now: this.now,
      });
      const entities = u.entities.map((e) => `${e.name}=${String(e.value)}`).sort();
      const misroute = `${text}|${label}`;
      if (label !== undefined && u.intent !== label && !this.misrouted.has(misroute)) {
        this.misrouted.set(misroute, { text, intent: label, understood: u.intent, ...where });
      }
      return { key: `${u.intent ?? '(none)'}|${entities.join(',')}`, intent: u.intent };
    };
    // Bot-wide intents are open everywhere, also while a confirmation waits (they are served, then it is asked again).
    const candidates = new Set([...open, ...this.bot.intents]);
    for (const [intent, examples] of Object.entries(this.corpus.intents)) {
      if (!wildcard && !candidates.has(intent)) continue;
      let taken = 0;
      for (const text of examples) {
        if (taken >= this.config.examplesPerIntent) break;
        const { key } = await understand(text, intent);
        if (seen.has(key)) continue;
        seen.add(key);
        events.push({ type: 'say', text, intent });
        taken++;
      }
    }
    let notUnderstood = 0;
    for (const text of this.corpus.none) {
      if (notUnderstood >= this.config.examplesPerIntent) break;
      const { key, intent } = await understand(text, null);
      if (seen.has(key)) continue;
      seen.add(key);
      events.push({ type: 'say', text, intent: null });
      if (intent === null) notUnderstood++;
    }
    if (notUnderstood === 0) {
      const { key } = await understand(NOT_UNDERSTOOD_FALLBACK);
      if (!seen.has(key)) events.push({ type: 'say', text: NOT_UNDERSTOOD_FALLBACK, intent: null });
    }
    const declared = this.bot.externalEvents === 'any' ? this.inventory.externalEvents : this.bot.externalEvents;
    for (const type of declared) {
      for (const payload of this.config.externalEvents[type] ?? [{}])
        events.push({ type: 'event', event: type, payload });
    }
    return events;
  }
}
