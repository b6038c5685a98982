import type { BotDefinition } from '@parley/dialogue-core';
import type { PathsConfig } from '@parley/paths';
import { juice, juicePaths } from './juice';
import { pizza, pizzaPaths } from './pizza';

/** Every bot Parley serves, by id. The server, the terminal chat and the tools load bots from here. */
export const bots: readonly BotDefinition[] = [juice, pizza];

/** Path-test settings per bot id (`npm run paths`), for the bots that need any. */
export const pathsConfigs: Readonly<Record<string, PathsConfig>> = { juice: juicePaths, pizza: pizzaPaths };

export function findBot(id: string): BotDefinition | undefined {
  return bots.find((bot) => bot.id === id);
}
