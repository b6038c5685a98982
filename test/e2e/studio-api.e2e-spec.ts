import { findBot } from '@parley/machines';
import { createMachine } from 'xstate';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { get, post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

const juice = findBot('juice')!;
const schema = freshSchema('studio_api');
let app: ParleyApp;

beforeAll(async () => {
  app = await startInProcess({ bots: [juice], schema });
});

afterAll(async () => {
  await app?.close();
  await dropSchema(schema);
});

async function fetchRaw(path: string, token: string | null = TEST_ADMIN_TOKEN) {
  const response = await fetch(`${app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function say(userId: string, text: string): Promise<string> {
  const res = await post(`${app.url}/channels/rest/juice`, { userId, text });
  expect(res.status).toBe(200);
  return res.body.conversationId as string;
}

/** Read Server-Sent Events until `until` says stop (or the time is up). */
async function readEvents(
  path: string,
  until: (events: { event: string; data: any }[]) => boolean,
  onReady: () => Promise<unknown>,
) {
  const controller = new AbortController();
  const response = await fetch(`${app.url}${path}`, {
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: { event: string; data: any }[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const timer = setTimeout(() => controller.abort(), 20_000);
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) {
          events.push({ event, data: JSON.parse(data) });
          if (event === 'ready') void onReady();
        }
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe(`Studio API (${testDatabaseKind()})`, () => {
  test('exports: diagram.svg, diagram.mmd and diagram.json, with their content types', async () => {
    const svg = await fetchRaw('/api/bots/juice/diagram.svg');
    expect(svg.status).toBe(200);
    expect(svg.type).toBe('image/svg+xml; charset=utf-8');
    expect(svg.text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const key of Object.keys(juice.contexts)) expect(svg.text).toContain(`data-id="${key}"`);
    const mmd = await fetchRaw('/api/bots/juice/diagram.mmd?routing=1&expand=all');
    expect(mmd.status).toBe(200);
    expect(mmd.text.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(mmd.text).toContain('“要加冰吗?”');
    const json = await fetchRaw('/api/bots/juice/diagram.json');
    expect(json.status).toBe(200);
    expect(json.type).toMatch(/^application\/json/);
    const machine = createMachine(JSON.parse(json.text));
    expect(machine.getStateNodeById('juice.active.order.running.ordering.ice').meta).toEqual({ prompt: '要加冰吗?' });
  });

  test('exports need the token; an unknown bot or export is a 404, bad options a 400', async () => {
    expect((await fetchRaw('/api/bots/juice/diagram.svg', null)).status).toBe(401);
    expect((await fetchRaw('/api/bots/juice/diagram.svg', 'wrong-token-wrong-token')).status).toBe(401);
    const unknown = await fetchRaw('/api/bots/nope/diagram.svg');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.code).toBe('BOT_NOT_FOUND');
    expect((await fetchRaw('/api/bots/juice/diagram.png')).status).toBe(404);
    const bad = await fetchRaw('/api/bots/juice/diagram.svg?routing=maybe');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatchObject({ code: 'INVALID_REQUEST', field: 'routing' });
  });

  test('the studio page and its assets are served by Parley itself; the data behind them needs the token', async () => {
    const page = await fetchRaw('/studio', null);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="/studio/assets/studio.js"></script>');
    expect(page.text).not.toMatch(/https?:\/\//);
    const js = await fetchRaw('/studio/assets/studio.js', null);
    expect(js.status).toBe(200);
    expect(js.type).toMatch(/^text\/javascript/);
    expect(js.text).not.toContain(TEST_ADMIN_TOKEN);
    expect((await fetchRaw('/studio/assets/other.js', null)).status).toBe(404);
    expect((await fetchRaw('/api/studio/bots/juice', null)).status).toBe(401);
  });

  test('the conversation list: by bot and user, newest activity first, paged', async () => {
    const a = await say('list-a', '你好');
    const b = await say('list-b', '你好');
    const c = await say('list-c', '你好');
    await say('list-a', '我想买果汁'); // a is now the most recent
    const first = await get(`${app.url}/api/conversations?bot=juice&limit=2`, TEST_ADMIN_TOKEN);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([a, c]);
    expect(first.body.items[0]).toMatchObject({
      botId: 'juice',
      userId: 'list-a',
      channel: 'rest',
      turns: 2,
      status: 'active',
    });
    const second = await get(
      `${app.url}/api/conversations?bot=juice&limit=2&after=${first.body.next}`,
      TEST_ADMIN_TOKEN,
    );
    expect(second.body.items.map((i: { id: string }) => i.id).slice(0, 1)).toEqual([b]);
    const byUser = await get(`${app.url}/api/conversations?user=list-b`, TEST_ADMIN_TOKEN);
    expect(byUser.body).toEqual({ items: [expect.objectContaining({ id: b })], next: null });
    for (const query of ['limit=0', 'limit=500', 'after=bogus', 'color=red']) {
      const res = await get(`${app.url}/api/conversations?${query}`, TEST_ADMIN_TOKEN);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
    }
  });

  test('a conversation for the Studio: every thread, the state after each turn, what to mark', async () => {
    const id = await say('marks', '我想买果汁');
    await say('marks', '苹果');
    const res = await get(`${app.url}/api/studio/conversations/${id}`, TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(res.body.highlight).toEqual({
      expand: [],
      active: expect.arrayContaining(['home:idle', 'order:ordering.ice']),
      running: ['home', 'order'],
      focus: 'order',
    });
    expect(
      res.body.turns.map((t: { turn: number; highlight: { active: string[] } }) => [t.turn, t.highlight.active]),
    ).toEqual([
      [1, ['order:ordering.flavor']],
      [2, ['order:ordering.ice']],
    ]);
    expect(res.body.turns[1].state).toMatchObject({
      focus: 'order',
      sleeping: [],
      activePath: ['order.ordering.ice'],
      outcome: 'handled',
    });
  });

  test('changes stream as Server-Sent Events, narrowed to one conversation', async () => {
    const id = await say('sse', '你好');
    const events = await readEvents(
      `/api/studio/changes?conversation=${id}`,
      (seen) => seen.some((e) => e.event === 'turn'),
      async () => {
        await say('someone-else', '你好');
        await say('sse', '我想买果汁');
      },
    );
    expect(events.map((e) => e.event)).toEqual(['ready', 'turn']);
    expect(events[1]!.data).toEqual({ conversationId: id, botId: 'juice', turn: 2 });
  });

  (testDatabaseKind() === 'postgres' ? test : test.skip)(
    'a turn taken by another instance reaches this one over LISTEN/NOTIFY',
    async () => {
      const other = await startInProcess({ bots: [juice], schema });
      try {
        const id = await say('two-instances', '你好');
        const events = await readEvents(
          `/api/studio/changes?conversation=${id}`,
          (seen) => seen.some((e) => e.event === 'turn'),
          () => post(`${other.url}/channels/rest/juice`, { userId: 'two-instances', text: '我想买果汁' }),
        );
        expect(events.find((e) => e.event === 'turn')!.data).toEqual({ conversationId: id, botId: 'juice', turn: 2 });
      } finally {
        await other.close();
      }
    },
  );
});
