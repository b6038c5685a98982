import type { BotDefinition } from '@parley/dialogue-core';
import { ApiError } from '../errors/api.error';

/** The bots this instance serves, by id (from `@parley/machines`, or injected by tests). */
export class BotRegistry {
  private readonly byId: ReadonlyMap<string, BotDefinition>;

  constructor(bots: readonly BotDefinition[]) {
    const map = new Map<string, BotDefinition>();
    for (const bot of bots) {
      if (map.has(bot.id)) throw new Error(`Two bots have the id '${bot.id}'.`);
      map.set(bot.id, bot);
    }
    this.byId = map;
  }

  all(): BotDefinition[] {
    return [...this.byId.values()];
  }

  find(id: string): BotDefinition | undefined {
    return this.byId.get(id);
  }

  get(id: string): BotDefinition {
    const bot = this.byId.get(id);
    if (!bot) throw new ApiError('BOT_NOT_FOUND', `No bot '${id}' is deployed here.`, { botId: id });
    return bot;
  }
}
