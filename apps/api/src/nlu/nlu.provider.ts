import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DefinitionError, intentsWithoutExamples, type BotDefinition, type NluPort } from '@parley/dialogue-core';
import { createNlu, type BotNluConfig } from '@parley/nlu';
import type { AppConfig } from '../config/app.config';
import type { JsonLogger } from '../logging/json.logger';

/** Which NLU understands a bot's messages (undefined: none; the engine then treats text as not understood). */
export type NluResolver = (botId: string) => NluPort | undefined;

/**
 * The server's NLU wiring, in one place. A bot opts in with `nlu: { kind: 'builtin' | 'http', ... }` in defineBot,
 * or simply by having a corpus in `machines/<bot>/nlu/`. Built-in models are trained (or loaded from the cache in
 * `<dataDir>/nlu-cache`) at boot, so a broken corpus fails the start rather than a turn.
 */
export async function createServerNlu(
  bots: readonly BotDefinition[],
  config: AppConfig,
  logger: JsonLogger,
  machinesDir = resolve('machines'),
): Promise<NluResolver> {
  const configs: Record<string, BotNluConfig> = {};
  for (const bot of bots) {
    if (bot.nlu === 'none') continue;
    const declared = bot.nlu as Partial<BotNluConfig>;
    if (declared.kind === 'builtin' || declared.kind === 'http') configs[bot.id] = declared as BotNluConfig;
    else if (existsSync(join(machinesDir, bot.id, 'nlu'))) configs[bot.id] = { kind: 'builtin' };
    else {
      throw new DefinitionError(
        `Bot '${bot.id}' has no NLU corpus (${join(machinesDir, bot.id, 'nlu')}/) and no \`nlu\` setting, so no message would ever be understood. Add a corpus, set \`nlu: { kind: 'http', url }\`, or set \`nlu: 'none'\` in defineBot for a bot driven by events.`,
        { bot: bot.id },
      );
    }
  }
  if (Object.keys(configs).length === 0) return () => undefined;
  const router = createNlu({
    bots: configs,
    machinesDir,
    cacheDir: join(config.dataDir, 'nlu-cache'),
    log: (line) => logger.info('nlu', { detail: line }),
    onError: (error) => logger.warn('nlu failed', { code: error.code, bot: error.context.bot, message: error.message }),
  });
  const models = await router.warmUp();
  for (const model of models) {
    logger.info('nlu model ready', { bot: model.bot, source: model.source, intents: model.intents.length });
    const bot = bots.find((b) => b.id === model.bot);
    for (const finding of bot ? intentsWithoutExamples(bot, model.intents) : []) {
      logger.warn('intent without corpus examples', { bot: model.bot, intent: finding.intent, where: finding.where, message: finding.message });
    }
  }
  return (botId) => (configs[botId] ? router : undefined);
}

/** One NLU for every bot (tests inject a keyword matcher this way). */
export function singleNlu(nlu: NluPort | null): NluResolver {
  return () => nlu ?? undefined;
}
