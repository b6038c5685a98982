import type { BotDefinition } from '@parley/dialogue-core';
import { juice } from './juice';
import { pizza } from './pizza';

/** Every bot Parley serves, by id. The server, the terminal chat and the tools load bots from here. */
export const bots: readonly BotDefinition[] = [juice, pizza];

export function findBot(id: string): BotDefinition | undefined {
  return bots.find((bot) => bot.id === id);
}
