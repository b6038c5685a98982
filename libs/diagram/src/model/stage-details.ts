import { ESCAPE_KINDS, type BotDefinition, type EscapeKind } from '@parley/dialogue-core';
import type { AnyStateNode } from 'xstate';
import { guardLabel, isRouting, resultOf, stageTransitions } from './transitions';

/** What the Studio shows when a stage is clicked. */
export interface StageDetails {
  context: string;
  stage: string;
  type: string;
  prompt?: string;
  dependOn?: string;
  result?: string;
  /** Intents handled at this stage (and its parent stages), with corpus examples and where each one goes. */
  intents: { intent: string; guard: string; to: string | null; examples: string[] }[];
  /** Other events handled here: external events, results, services, eventless branches. */
  events: { event: string; guard: string; to: string | null }[];
  /** Escape handlers on the way out: this stage's, its parents', then the context's. */
  escapes: { kind: EscapeKind; at: string; to: string | null }[];
  /** Intents the context handles at its own level, wherever it is. */
  contextIntents: string[];
  /** Bot-wide intents: open at every stage unless one of the above handles them first. */
  botIntents: string[];
}

/**
 * Details of every stage of every context, by `<context>:<stage path>` (the key a diagram node's `context` and
 * `stage` make). Read from XState's public StateNode API; nothing runs.
 */
export function stageDetails(
  bot: BotDefinition,
  examples: Readonly<Record<string, readonly string[]>> = {},
  samples = 5,
): Record<string, StageDetails> {
  const out: Record<string, StageDetails> = {};
  for (const [key, machine] of Object.entries(bot.machines)) {
    const root = machine.root;
    const contextIntents = handled(root)
      .filter((h) => h.event.startsWith('intent.'))
      .map((h) => h.event.slice(7));
    const visit = (state: AnyStateNode) => {
      for (const child of Object.values(state.states)) {
        const path = child.path.join('.');
        const chain: AnyStateNode[] = [];
        for (let s: AnyStateNode | undefined = child; s && s !== root; s = s.parent) chain.push(s);
        const details: StageDetails = {
          context: key,
          stage: path,
          type: child.type,
          intents: [],
          events: [],
          escapes: [],
          contextIntents: [...new Set(contextIntents)],
          botIntents: [...bot.intents],
        };
        const meta = (child.meta ?? {}) as { prompt?: unknown; dependOn?: string };
        if (meta.prompt !== undefined) details.prompt = typeof meta.prompt === 'string' ? meta.prompt : '(computed)';
        if (meta.dependOn) details.dependOn = meta.dependOn;
        if (child.type === 'final') details.result = resultOf(child);
        for (const level of chain) {
          for (const h of handled(level)) {
            if (h.event.startsWith('escape.')) continue;
            if (h.event.startsWith('intent.')) {
              const intent = h.event.slice(7);
              // Two inline guards to the same stage read the same: list them once.
              if (details.intents.some((i) => i.intent === intent && i.guard === h.guard && i.to === h.to)) continue;
              details.intents.push({
                intent,
                guard: h.guard,
                to: h.to,
                examples: (examples[intent] ?? []).slice(0, samples),
              });
            } else details.events.push({ event: h.event || '(always)', guard: h.guard, to: h.to });
          }
        }
        for (const level of [...chain, root]) {
          for (const h of handled(level)) {
            const kind = ESCAPE_KINDS.find((k) => h.event === `escape.${k}`);
            if (kind)
              details.escapes.push({ kind, at: level === root ? key : `${key}.${level.path.join('.')}`, to: h.to });
          }
        }
        out[`${key}:${path}`] = details;
        visit(child);
      }
    };
    visit(root);
  }
  return out;
}

/** The authored transitions of one state node: event, guard label, and target (stage path) or null. */
function handled(state: AnyStateNode): { event: string; guard: string; to: string | null }[] {
  return stageTransitions(state)
    .filter((t) => !isRouting(t))
    .map((t) => ({
      event: t.eventType,
      guard: guardLabel(t),
      to: t.target?.length ? t.target.map((s) => s.path.join('.') || s.key).join(', ') : null,
    }));
}
