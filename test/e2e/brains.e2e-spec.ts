import type { Server } from 'node:http';
import type { BrainRequest } from '@parley/dialogue-core';
import { findBot } from '@parley/machines';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { answer, startBrain } from '../../machines/juice/brains/ingredients.brain';
import { post, startInProcess } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

/**
 * External brains over real HTTP: the juice bot's `ingredients` context (brainContext) on the REST channel, talking to
 * the stand-in brain (machines/juice/brains) on loopback, configured the way an operator does it (BRAINS).
 */
describe(`external brains over HTTP (${testDatabaseKind()})`, () => {
  const schema = freshSchema('brains');
  const logs: string[] = [];
  const received: BrainRequest[] = [];
  let mode: 'example' | 'silent' | 'malformed' = 'example';
  const hanging: (() => void)[] = [];
  let brain: { server: Server; url: string };
  let app: ParleyApp;

  const say = async (userId: string, text: string) => {
    const res = await post(`${app.url}/channels/rest/juice`, { userId, text });
    expect(res.status).toBe(200);
    return (res.body.replies as { text: string }[]).map((reply) => reply.text);
  };
  const problems = () =>
    logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'turn problem');

  beforeAll(async () => {
    brain = await startBrain(0, (request) => {
      received.push(request);
      if (mode === 'malformed') return { replies: '苹果汁很好喝' };
      // A brain that never answers: the turn must not wait for it past its timeout.
      if (mode === 'silent') return new Promise((resolve) => hanging.push(() => resolve({ replies: [] })));
      return answer(request);
    });
    app = await startInProcess({
      bots: [findBot('juice')!],
      schema,
      logs,
      env: { BRAINS: JSON.stringify({ ingredients: { url: brain.url, timeoutMs: 300 } }) },
    });
  });
  afterAll(async () => {
    for (const release of hanging) release();
    await app?.close();
    await new Promise((resolve) => brain?.server.close(resolve));
    await dropSchema(schema);
  });
  beforeEach(() => {
    mode = 'example';
    received.length = 0;
  });

  it('a normal answer: the brain gets the message with its intent, entities and the allowed memory; the context ends', async () => {
    expect(await say('ann', '苹果汁里有什么')).toEqual(['苹果汁: 鲜榨苹果, 不加糖, 不加水。', '还有什么可以帮您?']);
    expect(received).toEqual([
      {
        bot: 'juice',
        conversationId: expect.any(String),
        stage: 'ingredients.asking',
        message: {
          text: '苹果汁里有什么',
          intent: 'ask.ingredients',
          entities: expect.arrayContaining([expect.objectContaining({ name: 'flavor', value: '苹果' })]),
          confidence: expect.any(Number),
        },
        memory: { customer: { orders: 0, lastOrder: null, member: false } },
      },
    ]);
  });

  it('"stay": the brain asks back and gets the next message too', async () => {
    expect(await say('bo', '果汁里有什么')).toEqual(['您想了解哪种果汁的配料? 苹果、橙子还是西瓜?']);
    expect(await say('bo', '西瓜')).toEqual(['西瓜汁: 鲜榨西瓜, 加少许柠檬, 不加糖。', '还有什么可以帮您?']);
    expect(received.map((request) => request.message.text)).toEqual(['果汁里有什么', '西瓜']);
    expect(received[1]?.stage).toBe('ingredients.asking');
  });

  it('ordering stays Parley\'s while the brain holds the conversation', async () => {
    await say('cy', '果汁里有什么');
    expect(await say('cy', '我想买果汁')).toEqual([expect.stringContaining('什么口味')]);
    expect(received).toHaveLength(1);
  });

  it('a timeout is a failure escape the context handles: it says sorry, and the operator gets a log line', async () => {
    mode = 'silent';
    const started = Date.now();
    expect(await say('di', '橙汁的配料是什么')).toEqual(['抱歉, 配料信息暂时查不到, 请稍后再问。', '还有什么可以帮您?']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(problems()).toContainEqual(
      expect.objectContaining({
        code: 'SERVICE_FAILED',
        context: 'ingredients',
        stage: 'asking.thinking',
        message: expect.stringContaining("Brain 'ingredients' did not answer within 300 ms"),
      }),
    );
  });

  it('a malformed answer is a failure too, and the log line names the field that is wrong', async () => {
    mode = 'malformed';
    expect(await say('ed', '果汁加糖吗')).toEqual(['抱歉, 配料信息暂时查不到, 请稍后再问。', '还有什么可以帮您?']);
    expect(problems()).toContainEqual(
      expect.objectContaining({
        code: 'SERVICE_FAILED',
        context: 'ingredients',
        message: expect.stringContaining('`replies` must be an array of strings (got string "苹果汁很好喝")'),
      }),
    );
  });
});
