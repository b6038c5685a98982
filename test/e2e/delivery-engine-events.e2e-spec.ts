import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import { post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { Receiver } from '../helpers/receiver';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

const schema = freshSchema('dlvev');
let app: ParleyApp;
let r: Receiver;
const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(join(__dirname, '../../docs/webhooks.schema.json'), 'utf8')) as object,
);

beforeAll(async () => {
  r = await Receiver.start();
  app = await startInProcess({ bots: [counterBot(1)], nlu: counterNlu, schema });
});
afterAll(async () => {
  await app?.close();
  await r?.close();
  await dropSchema(schema);
});

describe(`the engine's events as webhooks (${testDatabaseKind()})`, () => {
  test('context.finished and escape arrive after turn.handled, in order, valid against the schema', async () => {
    const created = await post(
      `${app.url}/api/webhooks`,
      { url: `${r.url}/e`, events: ['turn.handled', 'context.finished', 'escape'] },
      { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    );
    expect(created.status).toBe(201);
    await post(`${app.url}/channels/rest/counter`, { userId: 'ev', text: 'add' });
    await post(`${app.url}/channels/rest/counter`, { userId: 'ev', text: 'cancel' });
    await post(`${app.url}/channels/rest/counter`, { userId: 'ev', text: 'add' });
    await post(`${app.url}/channels/rest/counter`, { userId: 'ev', text: 'done' });
    // A turn's own events follow its turn.handled, in the order they happened (one lane per subscription).
    await r.until(() => r.accepted().some((a) => a.json.type === 'context.finished'));
    const seen = r.accepted().map((a) => [a.json.type, a.json.data.turn, a.json.data.context ?? null, a.json.data.kind ?? a.json.data.result?.status ?? null]);
    expect(seen).toEqual([
      ['turn.handled', 1, null, null],
      ['turn.handled', 2, null, null],
      ['escape', 2, 'counter', 'cancel'],
      ['turn.handled', 3, null, null],
      ['turn.handled', 4, null, null],
      ['context.finished', 4, 'counter', 'done'],
    ]);
    for (const a of r.accepted()) expect([a.json.type, validate(a.json), validate.errors]).toEqual([a.json.type, true, null]);
  });
});
