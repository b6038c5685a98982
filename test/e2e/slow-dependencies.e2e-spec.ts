import { keywordNlu, type NluPort } from '@parley/dialogue-core';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot } from '../fixtures/counter.bot';
import { lookupBot } from '../fixtures/lookup.bot';
import { get, post, startInProcess } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

/**
 * A turn waiting for a slow service or a slow NLU holds no database connection and no lock: with a pool of ONE
 * connection (and, on the embedded database, one transaction at a time for everything), other users' turns and
 * /health are served while it waits. The NLU is bounded by TURN_TIME_LIMIT_MS like a service.
 */
const schema = freshSchema('slow');
const apps: ParleyApp[] = [];
const keywords = keywordNlu({ intents: { add: ['add'], lookup: ['lookup'], help: ['help'] } });

/** Something the test holds open until it lets it go, and that says when it is reached. */
function gate<T>() {
  let open!: (value: T) => void;
  let reached!: () => void;
  const wasReached = new Promise<void>((resolve) => (reached = resolve));
  const opened = new Promise<T>((resolve) => (open = resolve));
  return { open, wasReached, wait: () => (reached(), opened) };
}

const service = gate<number>();
const understanding = gate<void>();
const slowNlu: NluPort = {
  async understand(text, options) {
    if (text.includes('slowly')) await understanding.wait();
    if (text.includes('never')) await new Promise(() => undefined);
    return keywords.understand(text, options);
  },
};

async function start(env: Record<string, string>): Promise<ParleyApp> {
  const app = await startInProcess({
    bots: [counterBot(1), lookupBot()],
    nlu: slowNlu,
    schema,
    env: { DB_POOL_SIZE: '1', ...env },
    extra: { services: { lookup: () => service.wait() } },
  });
  apps.push(app);
  return app;
}

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await dropSchema(schema);
});

const say = (app: ParleyApp, bot: string, userId: string, text: string) => post(`${app.url}/channels/rest/${bot}`, { userId, text });
const replies = (res: { body: { replies: { text: string }[] } }) => res.body.replies.map((r) => r.text).join(' | ');

describe(`slow dependencies do not hold others up (${testDatabaseKind()})`, () => {
  test('while one turn waits for a service and another for the NLU, other users are served and /health answers', async () => {
    const app = await start({});
    // Each user's conversation exists already (a first turn is not special, but this keeps the point clear).
    for (const user of ['waits-service', 'waits-nlu']) await say(app, 'looker', user, 'help');
    const waitingForService = say(app, 'looker', 'waits-service', 'lookup');
    const waitingForNlu = say(app, 'counter', 'waits-nlu', 'add slowly');
    await Promise.all([service.wasReached, understanding.wasReached]);
    for (let n = 1; n <= 3; n++) {
      const res = await say(app, 'counter', 'meanwhile', 'add');
      expect(res.status).toBe(200);
      expect(replies(res)).toBe(`count=${n} v1`);
    }
    expect((await get(`${app.url}/health`)).status).toBe(200);
    service.open(7);
    understanding.open();
    expect(replies(await waitingForService)).toBe('found 7');
    expect(replies(await waitingForNlu)).toBe('count=1 v1');
  });

  test('an NLU that does not answer within TURN_TIME_LIMIT_MS: 503 NLU_TIMEOUT with Retry-After, nothing stored', async () => {
    const app = await start({ TURN_TIME_LIMIT_MS: '200' });
    const res = await fetch(`${app.url}/channels/rest/counter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'never-understood', text: 'never' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).not.toBeNull();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NLU_TIMEOUT');
    const after = await say(app, 'counter', 'never-understood', 'add');
    expect(replies(after)).toBe('count=1 v1');
  });
});
