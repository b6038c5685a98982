import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BotDefinition } from '@parley/dialogue-core';
import { bots, findBot } from '@parley/machines';
import { createApp, type ParleyApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config/app.config';
import { JsonLogger } from '../../apps/api/src/logging/json.logger';
import { juiceTranscripts } from '../../machines/juice/juice.transcripts';
import { pizzaTranscripts } from '../../machines/pizza/pizza.transcripts';
import { playTranscript, type Transcript } from '../../machines/transcript';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';
import { get, post, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';

/** The demo bots as users meet them: REST channel, real NLU, real database (PostgreSQL or embedded). */
describe(`demo bots over HTTP (${testDatabaseKind()})`, () => {
  const schema = freshSchema('bots');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bots-'));
  const run = randomBytes(4).toString('hex');
  let parley: ParleyApp;

  const start = () =>
    createApp({
      bots,
      config: loadConfig({
        PORT: '0',
        DATABASE_URL: process.env.DATABASE_URL,
        DATABASE_SCHEMA: schema,
        PARLEY_DATA_DIR: dataDir,
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        LOG_LEVEL: 'silent',
      }),
      logger: new JsonLogger('silent'),
    });

  const say = async (bot: string, userId: string, text: string): Promise<string[]> => {
    const response = await post(`${parley.url}/channels/rest/${bot}`, { userId, text });
    expect(response.status).toBe(200);
    return (response.body.replies as { text: string }[]).map((reply) => reply.text);
  };

  const play = (bot: BotDefinition, transcript: Transcript, id: string) =>
    playTranscript(transcript, (user, text) => say(bot.id, `${run}-${id}-${user}`, text));

  beforeAll(async () => {
    parley = await start();
  });
  afterAll(async () => {
    await parley?.close();
    await dropSchema(schema);
  });

  describe('juice', () => {
    it.each(juiceTranscripts.map((t, i) => [t.name, t, i] as const))('%s', (_name, transcript, i) =>
      play(findBot('juice')!, transcript, `j${i}`),
    );
  });

  describe('pizza', () => {
    it.each(pizzaTranscripts.map((t, i) => [t.name, t, i] as const))('%s', (_name, transcript, i) =>
      play(findBot('pizza')!, transcript, `p${i}`),
    );
  });

  it('the transcript API shows the conversation in order, replies included', async () => {
    const userId = `${run}-transcript`;
    const first = await post(`${parley.url}/channels/rest/juice`, { userId, text: '我想买果汁' });
    await say('juice', userId, '苹果');
    const transcript = await get(
      `${parley.url}/api/conversations/${first.body.conversationId}/transcript`,
      TEST_ADMIN_TOKEN,
    );
    expect(transcript.status).toBe(200);
    const items = (transcript.body.items as { direction: string; text: string }[]).map((item) => [
      item.direction,
      item.text,
    ]);
    expect(items).toEqual([
      ['in', '我想买果汁'],
      ['out', '请问您要什么口味? 我们有苹果、橙子、西瓜, 每杯15元。'],
      ['in', '苹果'],
      ['out', '要加冰吗?'],
    ]);
  });

  it('a restart of the server in the middle of an order loses nothing: the order goes on', async () => {
    const userId = `${run}-restart`;
    expect(await say('juice', userId, '我想买果汁')).toEqual([expect.stringContaining('什么口味')]);
    expect(await say('juice', userId, '西瓜')).toEqual([expect.stringContaining('加冰')]);
    await parley.close();
    parley = await start();
    expect((await say('juice', userId, '不加冰')).join()).toContain('杯装还是碗装');
    expect((await say('juice', userId, '上一步')).join()).toContain('加冰');
  });
});
