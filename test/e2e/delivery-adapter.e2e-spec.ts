import { DeliveryError, type ChannelAdapter, type InboundAction, type InboundRequest, type OutboundMessage } from '@parley/channels';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import { get, post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

/**
 * The adapter contract of delivery, with a platform stand-in: a push with no inbound message of its own (a timer)
 * reaches the chat the conversation's last message came from; `DeliveryError.retryAfterMs` is honoured;
 * `DeliveryError.permanent` is a dead letter at once.
 */
class FakePlatform implements ChannelAdapter {
  readonly channel = 'fake';
  readonly delivered: (OutboundMessage & { at: number; outcome: string })[] = [];
  /** What `deliver` does with a message: undefined = accept. */
  fail: (message: OutboundMessage) => DeliveryError | undefined = () => undefined;
  private waiters: (() => void)[] = [];

  verify(): void {}

  parse(request: InboundRequest): InboundAction {
    const body = JSON.parse(request.rawBody.toString('utf8')) as { user: string; id: string; text: string; chat: string };
    return { kind: 'turn', userId: body.user, messageId: body.id, input: { kind: 'message', text: body.text }, delivery: 'response', address: { chat: body.chat } };
  }

  deliver(message: OutboundMessage): Promise<void> {
    const failure = this.fail(message);
    this.delivered.push({ ...message, at: Date.now(), outcome: failure ? (failure.permanent ? 'permanent' : 'retry') : 'ok' });
    for (const wake of this.waiters.splice(0)) wake();
    return failure ? Promise.reject(failure) : Promise.resolve();
  }

  async until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`condition not met; delivered: ${JSON.stringify(this.delivered)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, deadline - Date.now()).unref();
      });
    }
  }
}

const schema = freshSchema('dlvad');
const platform = new FakePlatform();
let app: ParleyApp;

beforeAll(async () => {
  app = await startInProcess({
    bots: [counterBot(1)],
    nlu: counterNlu,
    schema,
    env: { OUTBOX_BACKOFF_BASE_MS: '5', OUTBOX_BACKOFF_CAP_MS: '40', OUTBOX_MAX_ATTEMPTS: '5' },
    extra: { channels: [{ botId: 'counter', adapter: platform }] },
  });
});

afterAll(async () => {
  await app?.close();
  await dropSchema(schema);
});

async function say(user: string, id: string, text: string, chat: string): Promise<string> {
  const res = await post(`${app.url}/channels/fake/counter`, { user, id, text, chat });
  expect(res.status).toBe(200);
  const conversation = await get(`${app.url}/api/conversations?bot=counter`, TEST_ADMIN_TOKEN);
  return (conversation.body.items as { id: string; userId: string }[]).find((c) => c.userId === user)!.id;
}

describe(`delivery through a channel adapter (${testDatabaseKind()})`, () => {
  test("a timer's push goes to the chat of the conversation's last message, and a platform's Retry-After is honoured", async () => {
    let first = true;
    platform.fail = (m) => {
      if (m.userId !== 'pat' || !first) return undefined;
      first = false;
      return new DeliveryError('429 Too Many Requests', { retryAfterMs: 800, status: 429 });
    };
    await say('pat', 'p-1', 'add', 'chat-1');
    await say('pat', 'p-2', 'remind', 'chat-2');
    await platform.until(() => platform.delivered.filter((d) => d.userId === 'pat').length === 2);
    const tries = platform.delivered.filter((d) => d.userId === 'pat');
    expect(tries.map((t) => [t.reply.text, t.address, t.attempt, t.outcome])).toEqual([
      ['Reminder!', { chat: 'chat-2' }, 1, 'retry'],
      ['Reminder!', { chat: 'chat-2' }, 2, 'ok'],
    ]);
    expect(tries[0]!.messageId).toBe(tries[1]!.messageId);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(800);
  });

  test('a permanent failure is a dead letter at once, and the next push goes on', async () => {
    // The platform says the chat is gone: trying again cannot help.
    platform.fail = (m) =>
      m.userId === 'quin' && m.reply.text === 'Reminder!' ? new DeliveryError('chat not found', { permanent: true, status: 400 }) : undefined;
    const id = await say('quin', 'q-1', 'remind', 'gone');
    await platform.until(() => platform.delivered.some((d) => d.userId === 'quin'));
    const ping = await post(
      `${app.url}/api/conversations/${id}/events`,
      { event: { type: 'ping', note: 'after' }, messageId: 'q-ping' },
      { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    );
    expect(ping.status).toBe(200);
    await platform.until(() => platform.delivered.some((d) => d.userId === 'quin' && d.reply.text === 'pong after'));
    expect(platform.delivered.filter((d) => d.userId === 'quin').map((d) => [d.reply.text, d.outcome])).toEqual([
      ['Reminder!', 'permanent'],
      ['pong after', 'ok'],
    ]);
    const dead = await get(`${app.url}/api/deliveries/dead?conversation=${encodeURIComponent(id)}`, TEST_ADMIN_TOKEN);
    expect(dead.body.items).toEqual([expect.objectContaining({ kind: 'reply', target: 'fake', attempts: 1, lastError: 'chat not found' })]);
  });
});
