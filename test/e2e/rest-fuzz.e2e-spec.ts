import fc from 'fast-check';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import { get, post, startInProcess } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

/**
 * Property: whatever the body of `POST /channels/rest/:botId`, the answer is 200 or a 4xx with Parley's error body —
 * never a 5xx — and the server stays healthy. A bounded number of cases (CI), from a fixed seed unless FUZZ_SEED is set.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = process.env.FUZZ_SEED === undefined ? 20261201 : Number(process.env.FUZZ_SEED);
const schema = freshSchema('fuzz');
let app: ParleyApp;

beforeAll(async () => {
  app = await startInProcess({ bots: [counterBot(1)], nlu: counterNlu, schema });
});

afterAll(async () => {
  await app?.close();
  await dropSchema(schema);
});

/** Strings as a hostile client sends them: any code point, lone surrogates, NUL, the bot's keywords. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const anyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.oneof(fc.constantFrom('a', 'd', ' ', '\u0000', '🍊'), loneSurrogate), maxLength: 20 }),
  fc.constantFrom('add', 'help', 'done', 'remind', 'notify', ''),
  fc.string({ minLength: 4090, maxLength: 4100 }),
);
/** Nested objects and arrays, sometimes deeper than the limit. */
const nested = fc.integer({ min: 1, max: 300 }).map((depth) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { v: value };
  return value;
});
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), anyString, nested);
const event = fc.oneof(
  fc.record({ type: fc.oneof(fc.constantFrom('ping', 'promo', 'x.y-z'), anyString) }, { requiredKeys: [] }).chain((e) =>
    fc.dictionary(anyString, anyJson, { maxKeys: 3 }).map((rest) => ({ ...rest, ...e })),
  ),
  anyJson,
);
const body = fc.record(
  {
    userId: fc.oneof(anyString, anyJson),
    messageId: fc.oneof(anyString, anyJson),
    text: fc.oneof(anyString, anyJson),
    event,
    extra: anyJson,
  },
  { requiredKeys: [] },
);
/** Bodies: JSON objects of the expected shape and not, JSON of any kind, and text that is not JSON at all. */
const request = fc.oneof(
  { weight: 6, arbitrary: body.map((b) => ({ text: JSON.stringify(b), type: 'application/json' })) },
  { weight: 1, arbitrary: anyJson.map((j) => ({ text: JSON.stringify(j) ?? 'null', type: 'application/json' })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text, type: 'application/json' })) },
  {
    weight: 1,
    arbitrary: fc.record({ text: fc.string({ maxLength: 50 }), type: fc.constantFrom('text/plain', 'application/xml', 'application/json; charset=latin1', '') }),
  },
);

describe(`REST body fuzz (${testDatabaseKind()})`, () => {
  test(`${RUNS} random bodies: 200 or 4xx with the error body, never 5xx; the server stays healthy`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ text, type }) => {
        const res = await post(`${app.url}/channels/rest/counter`, text, type ? { 'content-type': type } : {});
        if (res.status === 200) return;
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(Object.keys(res.body as object)).toEqual(['error']);
        expect(typeof res.body.error.code).toBe('string');
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect((await get(`${app.url}/health`)).status).toBe(200);
    expect((await post(`${app.url}/channels/rest/counter`, { userId: 'after-fuzz', text: 'add' })).status).toBe(200);
  });
});
