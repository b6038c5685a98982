import type { NluPort, Services, UnderstandOptions, Understanding } from '@parley/dialogue-core';
import { NluError } from '@parley/nlu';

/**
 * What one inbound message's turn asked of the NLU and of services, kept across its attempts: a turn from a copy
 * whose write is refused (another turn moved the conversation on) runs again on the new state, and a question asked
 * again with the same input gets the first answer at once instead of being asked (and waited for) twice.
 */
export class TurnMemo {
  private readonly understood = new Map<string, Promise<Understanding>>();
  private readonly answers = new Map<string, Promise<unknown>>();
  readonly services: Services = {};

  constructor(
    private readonly nluOf: (botId: string) => NluPort | undefined,
    services: Services,
    private readonly timeLimitMs: number,
  ) {
    for (const [name, call] of Object.entries(services)) {
      this.services[name] = (input: unknown) => this.once(this.answers, `${name}\u0000${JSON.stringify(input) ?? ''}`, () => call(input));
    }
  }

  /**
   * The bot's NLU, remembered per (text, open intents) and bounded like a service: an NLU that does not answer within
   * the turn's time limit fails the turn with NLU_TIMEOUT (503, retryable) instead of holding it.
   */
  nlu(botId: string): NluPort | undefined {
    const nlu = this.nluOf(botId);
    if (!nlu) return undefined;
    return {
      understand: (text: string, options: UnderstandOptions) =>
        this.once(this.understood, `${options.bot}\u0000${text}\u0000${options.openIntents.join('\u0001')}`, () =>
          bounded(nlu.understand(text, options), this.timeLimitMs, options.bot),
        ),
    };
  }

  private once<T>(memo: Map<string, Promise<T>>, key: string, ask: () => Promise<T>): Promise<T> {
    let answer = memo.get(key);
    if (!answer) memo.set(key, (answer = ask()));
    return answer;
  }
}

function bounded<T>(answer: Promise<T>, ms: number, bot: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NluError('NLU_TIMEOUT', `The NLU did not answer within ${ms} ms (TURN_TIME_LIMIT_MS).`, { bot })), ms);
  });
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}
