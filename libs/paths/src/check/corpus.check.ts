import type { Corpus } from '@parley/nlu';
import type { HandledIntent } from '../model/bot.inventory';

/**
 * The intents a bot handles by name that its corpus has no example of (`none` stands for the corpus's `none:`
 * examples): the NLU can never produce them.
 */
export function intentsWithoutExamples(handled: readonly HandledIntent[], corpus: Corpus): HandledIntent[] {
  const hasExamples = (intent: string) =>
    intent === 'none' ? corpus.none.length > 0 : (corpus.intents[intent]?.length ?? 0) > 0;
  return handled.filter((h) => !hasExamples(h.intent));
}
