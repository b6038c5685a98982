import { findBot } from '@parley/machines';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { get, post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

/** «转人工» over HTTP: the juice bot on the REST channel, the real NLU, a real database; a person returns it. */
describe(`handoff to a human over HTTP (${testDatabaseKind()})`, () => {
  const schema = freshSchema('handoff');
  let app: ParleyApp;
  const admin = { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const say = (userId: string, text: string) => post(`${app.url}/channels/rest/juice`, { userId, text });
  const texts = (body: { replies: { text: string }[] }) => body.replies.map((reply) => reply.text);

  beforeAll(async () => {
    app = await startInProcess({ bots: [findBot('juice')!], schema });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('held: messages are recorded without replies; the admin API returns it and the bot asks its question again', async () => {
    await say('mei', '我想买果汁');
    const asked = await say('mei', '苹果');
    expect(texts(asked.body)).toEqual(['要加冰吗?']);
    const id = asked.body.conversationId as string;

    const handedOff = await say('mei', '转人工');
    expect(texts(handedOff.body)).toEqual(['好的, 正在为您转人工客服, 请稍候。']);

    const held = await say('mei', '不加冰');
    expect(held.status).toBe(200);
    expect(held.body.replies).toEqual([]);

    const view = await get(`${app.url}/api/conversations/${id}`, TEST_ADMIN_TOKEN);
    expect(view.body.state.held).toEqual({ reason: '顾客要求人工服务', since: expect.any(String), thread: 'order' });
    expect(view.body.state.activePath).toEqual(['order.ordering.ice']);

    const transcript = await get(`${app.url}/api/conversations/${id}/transcript`, TEST_ADMIN_TOKEN);
    const last = transcript.body.items.at(-1) as { direction: string; text: string; state: { outcome: string; held?: unknown } };
    expect([last.direction, last.text, last.state.outcome]).toEqual(['in', '不加冰', 'held']);
    expect(last.state.held).toEqual(expect.objectContaining({ thread: 'order' }));

    const returned = await post(`${app.url}/api/conversations/${id}/handoff/return`, {}, admin);
    expect(returned.status).toBe(200);
    expect(texts(returned.body)).toEqual(['客服已经处理完毕, 我们继续点单。', '要加冰吗?']);
    expect(returned.body.replies.at(-1).choices).toEqual(['加冰', '不加冰']);
    // Pushed: the user is not the one who asked, so the replies go out through the outbox.
    const outbox = await get(`${app.url}/api/conversations/${id}/outbox`, TEST_ADMIN_TOKEN);
    expect(outbox.body.items.map((item: { payload: { text: string } }) => item.payload.text)).toEqual([
      '客服已经处理完毕, 我们继续点单。',
      '要加冰吗?',
    ]);

    const after = await get(`${app.url}/api/conversations/${id}`, TEST_ADMIN_TOKEN);
    expect(after.body.state.held).toBeUndefined();
    expect(texts((await say('mei', '不加冰')).body)).toEqual(['请问要杯装还是碗装?']);
  });

  it('returning a conversation nobody holds is a 409 with the error body, and changes nothing', async () => {
    const first = await say('lei', '我想买果汁');
    const id = first.body.conversationId as string;
    const res = await post(`${app.url}/api/conversations/${id}/handoff/return`, {}, admin);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CONVERSATION_NOT_HELD' } });
    const view = await get(`${app.url}/api/conversations/${id}`, TEST_ADMIN_TOKEN);
    expect(view.body.turns).toBe(1);
  });

  it('the return needs the admin token, and a conversation that exists', async () => {
    const anonymous = await post(`${app.url}/api/conversations/juice-nobody/handoff/return`, {});
    expect(anonymous.status).toBe(401);
    const missing = await post(`${app.url}/api/conversations/juice-nobody/handoff/return`, {}, admin);
    expect(missing.status).toBe(404);
  });
});
