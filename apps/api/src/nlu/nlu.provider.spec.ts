import { homeContext, ask, defineBot, defineContext, finish } from '@parley/dialogue-core';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app.config';
import { JsonLogger } from '../logging/json.logger';
import { createServerNlu } from './nlu.provider';

function botWith(nlu?: 'none') {
  const home = homeContext({ prompt: 'Hi?' });
  const order = defineContext({
    id: 'order',
    initial: 'asking',
    stages: { asking: ask({ prompt: 'Size?', on: { 'intent.size.small': 'done' } }), done: finish() },
  });
  return defineBot({
    id: 'tiny',
    version: 1,
    home: 'home',
    contexts: [home, order],
    intents: { 'order.start': { actions: [] } },
    nlu,
  });
}

describe('the server NLU for a bot', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-nlu-provider-'));
  const config = loadConfig({ PARLEY_DATA_DIR: dataDir }, dataDir);
  const lines: string[] = [];
  const logger = new JsonLogger('info', (line) => lines.push(line));

  it('refuses a bot with no corpus and no nlu setting, saying how to fix it', async () => {
    const machines = mkdtempSync(join(tmpdir(), 'parley-machines-'));
    await expect(createServerNlu([botWith()], config, logger, machines)).rejects.toThrow(
      /Bot 'tiny' has no NLU corpus .* set `nlu: 'none'`/,
    );
  });

  it("accepts a bot that says nlu: 'none' (it gets no NLU)", async () => {
    const machines = mkdtempSync(join(tmpdir(), 'parley-machines-'));
    const resolve = await createServerNlu([botWith('none')], config, logger, machines);
    expect(resolve('tiny')).toBeUndefined();
  });

  it('warns, naming the intent and where it is handled, when the corpus has no example of it', async () => {
    const machines = mkdtempSync(join(tmpdir(), 'parley-machines-'));
    mkdirSync(join(machines, 'tiny', 'nlu'), { recursive: true });
    writeFileSync(
      join(machines, 'tiny', 'nlu', 'corpus.yaml'),
      'locale: en\nintents:\n  order.start: [I want to order, start an order, new order please]\n  greet: [hello, hi there, good morning]\n',
    );
    lines.length = 0;
    const resolve = await createServerNlu([botWith()], config, logger, machines);
    expect(resolve('tiny')).toBeDefined();
    const warnings = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.msg === 'intent without corpus examples');
    expect(warnings).toEqual([expect.objectContaining({ bot: 'tiny', intent: 'size.small', where: ['order.asking'] })]);
  });
});
