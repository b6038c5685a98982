import type { NluPort, Understanding, UnderstandOptions } from '@parley/dialogue-core';

/**
 * The bot's real NLU, asked once per utterance and set of open intents: the path graph sends the same corpus
 * examples at many states, and the answer depends only on the text, the open intents and the clock (fixed here).
 */
export class CachingNlu implements NluPort {
  private readonly answers = new Map<string, Promise<Understanding>>();

  constructor(private readonly nlu: NluPort) {}

  understand(text: string, options: UnderstandOptions): Promise<Understanding> {
    const key = `${text}\u0000${[...options.openIntents].sort().join(',')}\u0000${options.now?.toISOString() ?? ''}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.nlu.understand(text, options);
      this.answers.set(key, answer);
    }
    // A copy per turn: the engine puts the entities into events (and from there into context data).
    return answer.then((u) => ({
      ...u,
      entities: u.entities.map((e) => ({ ...e })),
      alternatives: [...u.alternatives],
    }));
  }
}
