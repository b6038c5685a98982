import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import { get, post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

const schema = freshSchema('versions');
let app: ParleyApp | undefined;

afterAll(async () => {
  await app?.close();
  await dropSchema(schema);
});

async function deploy(version: 1 | 2 | 3): Promise<ParleyApp> {
  await app?.close();
  app = await startInProcess({ bots: [counterBot(version)], nlu: counterNlu, schema });
  return app;
}

const say = async (a: ParleyApp, userId: string, text: string) => {
  const res = await post(`${a.url}/channels/rest/counter`, { userId, text });
  expect(res.status).toBe(200);
  return (res.body.replies as { text: string }[]).map((r) => r.text);
};

describe(`a new bot version deployed mid-conversation (${testDatabaseKind()})`, () => {
  test('conversations continue where they were after a migrating deploy, and reset politely after an unmigratable one', async () => {
    const v1 = await deploy(1);
    expect(await say(v1, 'mid', 'add')).toEqual(['count=1 v1']);
    expect(await say(v1, 'mid', 'add')).toEqual(['count=2 v1']);
    expect(await say(v1, 'other', 'add')).toEqual(['count=1 v1']);

    // v2 renames the stage and migrates stored snapshots (v1 → v2).
    const v2 = await deploy(2);
    expect(await say(v2, 'mid', 'add')).toEqual(['count=3 v2']);
    const mid = await post(`${v2.url}/channels/rest/counter`, { userId: 'mid', text: 'help' });
    const view = await get(`${v2.url}/api/conversations/${mid.body.conversationId}`, TEST_ADMIN_TOKEN);
    expect(view.body.botVersion).toBe(2);
    expect(view.body.state.activePath).toEqual(['counter.tallying']);
    expect(view.body.state.tree.children[0].context).toEqual({ count: 3 });
    expect(await say(v2, 'other', 'add')).toEqual(['count=2 v2']);

    // v3 drops that stage without a migration: stored v2 conversations cannot be restored.
    const v3 = await deploy(3);
    const replies = await say(v3, 'mid', 'add');
    expect(replies[0]).toBe('Sorry, I was updated and lost our place. Let us start again.');
    expect(replies).toContain('count=1 v3');
    expect(await say(v3, 'mid', 'add')).toEqual(['count=2 v3']);
    expect((await say(v3, 'other', 'add'))[0]).toBe('Sorry, I was updated and lost our place. Let us start again.');
    const health = await get(`${v3.url}/health`);
    expect(health.status).toBe(200);
  });

  test('an instance still on an older version refuses a newer conversation with a retryable 503 and changes nothing', async () => {
    const v2 = await deploy(2);
    expect(await say(v2, 'rolling', 'add')).toEqual(['count=1 v2']);
    const old = await deploy(1);
    const refused = await post(`${old.url}/channels/rest/counter`, { userId: 'rolling', text: 'add' });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('STATE_FROM_NEWER_VERSION');
    const again = await deploy(2);
    expect(await say(again, 'rolling', 'add')).toEqual(['count=2 v2']);
  });
});
