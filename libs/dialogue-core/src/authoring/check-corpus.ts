import type { AnyStateNode } from 'xstate';
import type { BotDefinition } from './define-bot';

/** An intent the bot handles that its NLU corpus has no example of: no utterance can ever reach that handler. */
export interface IntentWithoutExamples {
  intent: string;
  /** Where it is handled: `bot-wide`, or `context.stage` paths. */
  where: string[];
  message: string;
}

/**
 * The intents a bot handles — bot-wide, and in any stage or context — that have no example in its NLU corpus
 * (`corpusIntents`: the intent names the corpus trains). A host that knows the corpus runs this when it loads the bot
 * and warns about each one; `none` needs no example.
 *
 * @example
 * for (const finding of intentsWithoutExamples(bot, model.intents)) logger.warn(finding.message);
 */
export function intentsWithoutExamples(bot: BotDefinition, corpusIntents: Iterable<string>): IntentWithoutExamples[] {
  const known = new Set(corpusIntents);
  const handled = new Map<string, string[]>();
  const add = (intent: string, where: string) => {
    if (intent === 'none' || known.has(intent)) return;
    handled.set(intent, [...(handled.get(intent) ?? []), where]);
  };
  for (const intent of bot.intents) add(intent, 'bot-wide');
  for (const [id, machine] of Object.entries(bot.machines)) {
    const visit = (node: AnyStateNode) => {
      for (const type of node.transitions.keys()) {
        if (type.startsWith('intent.') && !type.endsWith('*'))
          add(type.slice(7), `${id}.${node.path.join('.') || '(context)'}`);
      }
      for (const child of Object.values(node.states)) visit(child);
    };
    visit(machine.root);
  }
  return [...handled].map(([intent, where]) => ({
    intent,
    where,
    message: `Bot '${bot.id}' handles the intent '${intent}' (${where.join(', ')}) but its NLU corpus has no example of it, so no message can reach it. Add examples under \`intents: { ${intent}: [...] }\` in the corpus, or remove the handler.`,
  }));
}
