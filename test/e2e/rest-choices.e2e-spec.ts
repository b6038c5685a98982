import { findBot } from '@parley/machines';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { get, post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';

/**
 * A question's choices (`ask({ choices })`) in the REST channel's response, for clients that show buttons: the juice
 * bot with its real NLU. A redelivered message id gets the very same bytes (choices included, from the transcript),
 * and the transcript API shows them.
 */
describe(`REST replies with choices (${testDatabaseKind()})`, () => {
  const schema = freshSchema('restchoices');
  let app: ParleyApp;
  const say = (userId: string, messageId: string, text: string) => post(`${app.url}/channels/rest/juice`, { userId, messageId, text });

  beforeAll(async () => {
    app = await startInProcess({ bots: [findBot('juice')!], schema });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('a question offers its choices; a statement has none; a redelivery answers byte for byte', async () => {
    const first = await say('lin', 'l-1', '我想买果汁');
    expect(first.status).toBe(200);
    const asked = await say('lin', 'l-2', '苹果');
    expect(asked.body.replies).toEqual([{ type: 'text', text: '要加冰吗?', choices: ['加冰', '不加冰'] }]);

    const lines = async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".transcript`))[0]!.n;
    const before = await lines();
    const again = await say('lin', 'l-2', '苹果');
    expect(again.status).toBe(200);
    expect(again.text).toBe(asked.text);
    expect(await lines()).toBe(before);

    // Not understood: the bot says so and asks again, with the choices on the question only.
    const unclear = await say('lin', 'l-3', 'qwerty');
    const replies = unclear.body.replies as { text: string; choices?: string[] }[];
    expect(replies.length).toBeGreaterThan(1);
    expect(replies.at(-1)).toEqual({ type: 'text', text: '要加冰吗?', choices: ['加冰', '不加冰'] });
    for (const reply of replies.slice(0, -1)) expect(reply).not.toHaveProperty('choices');

    const transcript = await get(`${app.url}/api/conversations/${asked.body.conversationId as string}/transcript`, TEST_ADMIN_TOKEN);
    const out = (transcript.body.items as { direction: string; text: string; choices?: string[] }[]).filter((line) => line.direction === 'out');
    expect(out.find((line) => line.text === '要加冰吗?')?.choices).toEqual(['加冰', '不加冰']);
  });
});
