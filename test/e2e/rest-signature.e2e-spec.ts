import { signRestRequest } from '@parley/channels';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { keywordNlu } from '@parley/dialogue-core';
import { counterBot } from '../fixtures/counter.bot';
import { lookupBot } from '../fixtures/lookup.bot';
import { startInProcess } from '../helpers/in-process-app';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';

/** REST_CHANNEL_SECRETS: a bot with a shared secret accepts signed requests only; the others are unchanged. */
const schema = freshSchema('signed');
const secret = 'counter-secret-0123456789abcdef';
let app: ParleyApp;

beforeAll(async () => {
  app = await startInProcess({
    bots: [counterBot(1), lookupBot()],
    schema,
    nlu: keywordNlu({ intents: { add: ['add'], help: ['help'] } }),
    env: { REST_CHANNEL_SECRETS: JSON.stringify({ counter: secret }) },
  });
});

afterAll(async () => {
  await app?.close();
  await dropSchema(schema);
});

async function send(bot: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}/channels/rest/${bot}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

const sign = (body: string, at = Math.floor(Date.now() / 1000)) => ({
  'x-parley-timestamp': String(at),
  'x-parley-signature': signRestRequest(secret, at, body),
});

describe(`signed REST requests (${testDatabaseKind()})`, () => {
  test('unsigned, badly signed or stale requests to a bot with a secret are 401 SIGNATURE_INVALID and store nothing', async () => {
    const body = JSON.stringify({ userId: 'mallory', text: 'add' });
    const forged = JSON.stringify({ userId: 'alice', text: 'add' });
    for (const headers of [{}, { ...sign(body), 'x-parley-signature': 'v1=00' }, sign(forged), sign(body, Math.floor(Date.now() / 1000) - 3600)]) {
      const res = await send('counter', body, headers);
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('SIGNATURE_INVALID');
    }
    expect(await query(`SELECT 1 FROM "${schema}".conversations`)).toEqual([]);
  });

  test('a signed request is served; a bot without a secret still trusts its caller', async () => {
    const body = JSON.stringify({ userId: 'alice', text: 'add' });
    expect((await send('counter', body, sign(body))).status).toBe(200);
    expect((await send('looker', JSON.stringify({ userId: 'bob', text: 'help' }))).status).toBe(200);
  });
});
