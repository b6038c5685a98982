import type { AnyStateMachine } from 'xstate';
import type { BotDefinition } from '../authoring/define-bot';

/** A context as tools see it: its stages (dotted paths), what it depends on, the questions it asks. */
export interface ContextOutline {
  id: string;
  description?: string;
  stages: string[];
  dependsOn: string[];
  /** Stage path → prompt (`(computed)` when the prompt is a function). */
  questions: Record<string, string>;
  /** Intents handled somewhere in the context (without the `intent.` prefix). */
  intents: string[];
}

export interface BotOutline {
  id: string;
  version: number;
  locale: string;
  home: string;
  intents: string[];
  contexts: ContextOutline[];
}

/**
 * Walk a bot's whole tree without running anything: every context, reachable by key from the bot definition.
 * This is what diagram and path-test tools build on, and what `GET /api/bots` shows.
 */
export function describeBot(bot: BotDefinition): BotOutline {
  return {
    id: bot.id,
    version: bot.version,
    locale: bot.locale,
    home: bot.home,
    intents: [...bot.intents],
    contexts: Object.values(bot.contexts).map((definition) => {
      const machine = bot.machines[definition.id]!;
      return {
        id: definition.id,
        description: definition.spec.description,
        stages: stagePaths(machine),
        dependsOn: [...definition.dependsOn],
        questions: questions(machine),
        intents: intents(machine),
      };
    }),
  };
}

type Node = { key: string; path: string[]; states: Record<string, Node>; meta?: any; on?: Record<string, unknown> };

function nodes(machine: AnyStateMachine): Node[] {
  const all: Node[] = [];
  const visit = (node: Node) => {
    for (const child of Object.values(node.states ?? {})) {
      all.push(child);
      visit(child);
    }
  };
  visit(machine.root);
  return all;
}

function stagePaths(machine: AnyStateMachine): string[] {
  return nodes(machine).map((node) => node.path.join('.'));
}

function questions(machine: AnyStateMachine): Record<string, string> {
  const found: Record<string, string> = {};
  for (const node of nodes(machine)) {
    const prompt = node.meta?.prompt;
    if (prompt !== undefined) found[node.path.join('.')] = typeof prompt === 'string' ? prompt : '(computed)';
  }
  return found;
}

function intents(machine: AnyStateMachine): string[] {
  const found = new Set<string>();
  for (const node of [machine.root as unknown as Node, ...nodes(machine)]) {
    for (const type of Object.keys(node.on ?? {})) {
      if (type.startsWith('intent.') && !type.endsWith('*')) found.add(type.slice(7));
    }
  }
  return [...found].sort();
}
