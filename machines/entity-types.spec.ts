import { entityTypesFile } from '@parley/nlu';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bots } from './index';

describe('entity types generated from the NLU corpora', () => {
  const withCorpus = bots.filter((bot) => existsSync(join(__dirname, bot.id, 'nlu')));

  it.each(withCorpus.map((bot) => bot.id))('%s: machines/<bot>/nlu/entities.ts is current (npm run nlu:types)', async (bot) => {
    const file = await entityTypesFile(bot, __dirname);
    expect(file.current).toBe(true);
    expect(file.source).toMatch(/flavor|size/);
  });
});
