import { conversationIdFor } from '@parley/persistence';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { TurnService } from '../../apps/api/src/turns/turn.service';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import { post, startInProcess } from '../helpers/in-process-app';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';
import { expectWholeTurns } from '../helpers/transcript-checks';

/**
 * User-scoped memory is shared by every conversation of the user (one per channel): concurrent turns of two such
 * conversations, on two instances, must not lose each other's writes. The counter bot adds 1 to the user's `total`
 * on every "add", so after n turns in all it must be n.
 */
const schema = freshSchema('shared');
const bot = counterBot(1);
let a: ParleyApp;
let b: ParleyApp;

beforeAll(async () => {
  a = await startInProcess({ bots: [bot], nlu: counterNlu, schema });
  b = await startInProcess({ bots: [bot], nlu: counterNlu, schema });
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await dropSchema(schema);
});

/** A message of `userId` on the REST channel (over HTTP) or on a second channel (`sms`, through the turn service). */
async function add(app: ParleyApp, channel: 'rest' | 'sms', userId: string, messageId: string): Promise<string> {
  if (channel === 'rest') {
    const res = await post(`${app.url}/channels/rest/counter`, { userId, messageId, text: 'add' });
    expect(res.status).toBe(200);
    return (res.body as { replies: { text: string }[] }).replies[0]!.text;
  }
  const key = { id: conversationIdFor(bot.id, channel, userId), botId: bot.id, channel, userId };
  const response = await app.app.get(TurnService).take({
    target: { kind: 'user', bot, key },
    input: { kind: 'message', text: 'add' },
    messageId,
    dedupeChannel: channel,
    delivery: 'response',
  });
  return response.replies[0]!.text;
}

const totalOf = async (userId: string) =>
  (
    await query<{ data: unknown }>(`SELECT data FROM "${schema}".memories WHERE scope_key = $1 AND name = 'total'`, [
      `counter/user/${userId}`,
    ])
  )[0]?.data;

describe(`user memory shared by two conversations of one user (${testDatabaseKind()})`, () => {
  test('concurrent turns in two channels on two instances: every write to the user memory counts', async () => {
    const perChannel = 12;
    const sends: Promise<string>[] = [];
    for (let n = 0; n < perChannel; n++) {
      // Each conversation's turns alternate between the instances: some are taken from an instance's cached state,
      // some under the lock, and the two conversations race on the user's record throughout.
      sends.push(add(n % 2 ? a : b, 'rest', 'shared-u', `rest-${n}`));
      sends.push(add(n % 2 ? b : a, 'sms', 'shared-u', `sms-${n}`));
    }
    const replies = await Promise.all(sends);
    // Each conversation's own turns serialize on its lock: counts 1..12 in each.
    const counts = (channel: number) =>
      replies
        .filter((_, i) => i % 2 === channel)
        .map((text) => Number(/^count=(\d+) v1$/.exec(text)![1]))
        .sort((x, y) => x - y);
    const oneToN = Array.from({ length: perChannel }, (_, i) => i + 1);
    expect(counts(0)).toEqual(oneToN);
    expect(counts(1)).toEqual(oneToN);
    // The shared record saw every turn of both.
    expect(await totalOf('shared-u')).toBe(2 * perChannel);
    for (const channel of ['rest', 'sms']) {
      expect(await expectWholeTurns(schema, conversationIdFor(bot.id, channel, 'shared-u'))).toHaveLength(
        2 * perChannel,
      );
    }
  });

  test('a user speaking in two channels, one after the other: the second conversation reads what the first wrote', async () => {
    expect(await add(a, 'rest', 'seq-u', 'r-1')).toBe('count=1 v1');
    expect(await add(a, 'sms', 'seq-u', 's-1')).toBe('count=1 v1');
    expect(await add(a, 'rest', 'seq-u', 'r-2')).toBe('count=2 v1');
    expect(await add(b, 'sms', 'seq-u', 's-2')).toBe('count=2 v1');
    expect(await add(a, 'sms', 'seq-u', 's-3')).toBe('count=3 v1');
    expect(await totalOf('seq-u')).toBe(5);
  });
});
