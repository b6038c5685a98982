import { keywordNlu, type ConversationKey, type ConversationStore, type NluPort, type Services } from '@parley/dialogue-core';
import { conversationIdFor, InMemoryConversationStore } from '@parley/persistence';
import { counterBot } from '../../../../test/fixtures/counter.bot';
import { lookupBot } from '../../../../test/fixtures/lookup.bot';
import { BotRegistry } from '../bots/bot.registry';
import { loadConfig } from '../config/app.config';
import { JsonLogger } from '../logging/json.logger';
import { Metrics } from '../ops/metrics';
import { TurnService, type TurnHost } from './turn.service';

/**
 * Conversation-level behaviour of the turn pipeline, on the in-memory conversation store: two `TurnService`s on one
 * store are two server instances on one database. (The same scenarios over HTTP on PostgreSQL and the embedded
 * database: test/e2e/turn-cache.e2e-spec.ts.)
 */
const nlu = keywordNlu({ intents: { add: ['add'], lookup: ['lookup'], cached: ['cached'], help: ['help'], done: ['done'] } });

let store: InMemoryConversationStore;
let lookups: number;
let logs: string[];
/** Engine runs of service turns (each start of a `looking` or `caching` stage). */
let runs: number;

function instance(
  services: Services = { lookup: async () => ++lookups },
  on: ConversationStore = store,
  options: { nlu?: NluPort; TURN_TIME_LIMIT_MS?: string } = {},
): { turns: TurnService; metrics: Metrics } {
  const metrics = new Metrics();
  const host: TurnHost = {
    store: on,
    bots: new BotRegistry([counterBot(1), looker]),
    nlu: () => options.nlu ?? nlu,
    services,
    config: loadConfig({ TURN_TIME_LIMIT_MS: options.TURN_TIME_LIMIT_MS }),
    logger: new JsonLogger('warn', (line) => void logs.push(line)),
    metrics,
    clock: undefined,
  };
  return { turns: new TurnService(host), metrics };
}

const keyOf = (userId: string, bot = 'counter'): ConversationKey => ({
  id: conversationIdFor(bot, 'rest', userId),
  botId: bot,
  channel: 'rest',
  userId,
});

async function say_(on: TurnService, userId: string, messageId: string, text = 'add', botId = 'counter'): Promise<string> {
  const bot = botId === 'counter' ? counterBot(1) : looker;
  const response = await on.take({
    target: { kind: 'user', bot, key: keyOf(userId, botId) },
    input: { kind: 'message', text },
    messageId,
    dedupeChannel: 'rest',
    delivery: 'response',
  });
  return response.replies.map((r) => r.text).join(' | ');
}

const cacheCounts = async (metrics: Metrics) => {
  const text = await metrics.render(undefined);
  const n = (result: string) => Number(new RegExp(`parley_turn_cache_total\\{result="${result}"\\} (\\d+)`).exec(text)![1]);
  return { hit: n('hit'), stale: n('stale'), miss: n('miss') };
};

const outLines = async (userId: string, bot = 'counter') =>
  (await store.transcript(keyOf(userId, bot).id)).filter((l) => l.direction === 'out').map((l) => l.text);

const looker = lookupBot({ onRun: () => void runs++ });

beforeEach(() => {
  store = new InMemoryConversationStore();
  lookups = 0;
  logs = [];
  runs = 0;
});

describe('the turn pipeline on the in-memory conversation store', () => {
  test('the first turn is taken under the lock, the next ones from the cached state, with the same results', async () => {
    const { turns, metrics } = instance();
    const replies = [];
    for (let n = 1; n <= 4; n++) replies.push(await say_(turns, 'ann', `m${n}`));
    expect(replies).toEqual(['count=1 v1', 'count=2 v1', 'count=3 v1', 'count=4 v1']);
    expect(await cacheCounts(metrics)).toEqual({ hit: 3, stale: 0, miss: 1 });
    expect(await outLines('ann')).toEqual(replies);
  });

  test("another instance's turn makes the cached copy stale: refused, re-taken under the lock, nothing lost", async () => {
    const a = instance();
    const b = instance();
    expect(await say_(a.turns, 'bo', 'm1')).toBe('count=1 v1');
    expect(await say_(b.turns, 'bo', 'm2')).toBe('count=2 v1');
    expect(await say_(a.turns, 'bo', 'm3')).toBe('count=3 v1');
    expect(await cacheCounts(a.metrics)).toEqual({ hit: 0, stale: 1, miss: 1 });
    expect(await say_(a.turns, 'bo', 'm4')).toBe('count=4 v1');
    expect((await cacheCounts(a.metrics)).hit).toBe(1);
    expect(await outLines('bo')).toEqual([1, 2, 3, 4].map((n) => `count=${n} v1`));
  });

  test('workers that tell each other what they committed drop their older copies: a turn on the other one reads, it is not refused', async () => {
    const a = instance();
    const b = instance();
    a.turns.onCached = (id, version) => b.turns.forgetOlder(id, version);
    b.turns.onCached = (id, version) => a.turns.forgetOlder(id, version);
    const replies = [];
    for (let n = 1; n <= 6; n++) replies.push(await say_(n % 2 ? a.turns : b.turns, 'pia', `p${n}`));
    expect(replies).toEqual([1, 2, 3, 4, 5, 6].map((n) => `count=${n} v1`));
    // Every turn found no copy (the other worker had just moved the conversation on): none ran on a stale one.
    expect(await cacheCounts(a.metrics)).toEqual({ hit: 0, stale: 0, miss: 3 });
    expect(await cacheCounts(b.metrics)).toEqual({ hit: 0, stale: 0, miss: 3 });
    // A late message about an older version never drops a newer copy.
    b.turns.forgetOlder(keyOf('pia').id, 1);
    expect(await say_(b.turns, 'pia', 'p7')).toBe('count=7 v1');
    expect((await cacheCounts(b.metrics)).hit).toBe(1);
  });

  test('a redelivered message id gets the first response again and takes no turn, from the cache or not', async () => {
    const a = instance();
    const b = instance();
    await say_(a.turns, 'cy', 'm1');
    await say_(a.turns, 'cy', 'm2');
    expect(await say_(a.turns, 'cy', 'm2')).toBe('count=2 v1');
    expect(await say_(b.turns, 'cy', 'm1')).toBe('count=1 v1');
    // The redelivery put the cached state back: the next new message is a cache hit again.
    const hits = (await cacheCounts(a.metrics)).hit;
    expect(await say_(a.turns, 'cy', 'm3')).toBe('count=3 v1');
    expect((await cacheCounts(a.metrics)).hit).toBe(hits + 1);
    expect(await outLines('cy')).toEqual([1, 2, 3].map((n) => `count=${n} v1`));
  });

  test('a message id reused for a different text gets the first reply (redelivery contract), and is logged and counted', async () => {
    const { turns, metrics } = instance();
    expect(await say_(turns, 'gus', 'same', 'add')).toBe('count=1 v1');
    expect(await say_(turns, 'gus', 'same', 'add')).toBe('count=1 v1');
    expect(await metrics.render(undefined)).not.toContain('MESSAGE_ID_CONFLICT');
    expect(await say_(turns, 'gus', 'same', 'help')).toBe('count=1 v1');
    expect(await metrics.render(undefined)).toContain('parley_errors_total{code="MESSAGE_ID_CONFLICT"} 1');
    const warning = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => /reused/.test(String(l.msg)));
    expect(warning).toMatchObject({ level: 'warn', messageId: 'same', channel: 'rest', conversationId: keyOf('gus').id });
    expect(await outLines('gus')).toEqual(['count=1 v1']);
  });

  test('concurrent messages of one conversation on two instances are taken one at a time, none lost or doubled', async () => {
    const a = instance();
    const b = instance();
    await say_(a.turns, 'dee', 'm0');
    await say_(b.turns, 'dee', 'm00');
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => say_(i % 2 ? a.turns : b.turns, 'dee', `c${i}`)),
    );
    expect(replies.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `count=${i + 3} v1`).sort());
    expect(await outLines('dee')).toEqual(Array.from({ length: 12 }, (_, i) => `count=${i + 1} v1`));
  });

  test('user memory written by one conversation is read by the user’s other conversation', async () => {
    const { turns } = instance();
    await say_(turns, 'eve', 'm1');
    await say_(turns, 'eve', 'm2');
    const sms: ConversationKey = { ...keyOf('eve'), id: conversationIdFor('counter', 'sms', 'eve'), channel: 'sms' };
    await turns.take({ target: { kind: 'user', bot: counterBot(1), key: sms }, input: { kind: 'message', text: 'add' }, messageId: 's1', dedupeChannel: 'sms', delivery: 'response' });
    const { loaded } = await store.transaction((tx) =>
      tx.lockUser(sms, 1, { prefetch: [{ scope: 'counter/user/eve', name: 'total' }] }),
    );
    expect(loaded.preloaded[0]?.data).toBe(3);
  });

  test('a turn that calls a service runs from the cached state too; the service is called once per turn', async () => {
    const { turns, metrics } = instance();
    expect(await say_(turns, 'fay', 'l1', 'lookup', 'looker')).toBe('found 1');
    expect(await say_(turns, 'fay', 'l2', 'lookup', 'looker')).toBe('found 2');
    expect(lookups).toBe(2);
    expect(await cacheCounts(metrics)).toEqual({ hit: 1, stale: 0, miss: 1 });
  });

  test('a service turn is computed once: one engine run and one service call per turn, from a read or the cache', async () => {
    const { turns, metrics } = instance();
    for (let n = 1; n <= 3; n++) expect(await say_(turns, 'gil', `g${n}`, 'lookup', 'looker')).toBe(`found ${n}`);
    expect({ runs, lookups }).toEqual({ runs: 3, lookups: 3 });
    expect(await cacheCounts(metrics)).toEqual({ hit: 2, stale: 0, miss: 1 });
  });

  test('users filling a shared cache record (custom-scoped memory) at the same moment: each turn is computed once, the last write wins', async () => {
    const { turns, metrics } = instance();
    const users = ['kay', 'lee', 'max', 'ned'];
    for (const user of users) await say_(turns, user, `${user}-0`, 'help', 'looker');
    runs = 0;
    // Each read the record absent and asked the service; none is refused for it (it is a cache, as under the lock).
    const replies = await Promise.all(users.map((user) => say_(turns, user, `${user}-1`, 'cached', 'looker')));
    expect(replies.every((r) => /^cached [1-4]$/.test(r))).toBe(true);
    expect(runs).toBe(users.length);
    expect((await cacheCounts(metrics)).stale).toBe(0);
    const [stored] = await store.readMemory([{ scope: 'looker/topic=weather', name: 'answer' }]);
    expect(replies).toContain(`cached ${JSON.stringify(stored)}`);
    // Later turns find it and call nothing.
    const before = lookups;
    expect(await say_(turns, 'kay', 'kay-2', 'cached', 'looker')).toBe(`cached ${JSON.stringify(stored)}`);
    expect(lookups).toBe(before);
  });

  test('while a turn waits for a slow service nothing is locked; a turn that came first meanwhile wins, and the slow one runs again on its result without calling the service again', async () => {
    let release!: (value: number) => void;
    let started!: () => void;
    const waiting = new Promise<void>((resolve) => (started = resolve));
    const { turns } = instance({
      lookup: () => {
        lookups++;
        started();
        return new Promise<number>((resolve) => (release = resolve));
      },
    });
    await say_(turns, 'hal', 'h0', 'help', 'looker');
    const slow = say_(turns, 'hal', 'h1', 'lookup', 'looker');
    await waiting;
    expect(store.conversationLocks.held(keyOf('hal', 'looker').id)).toBe(false);
    // The same user's next message is not held up by the slow one.
    expect(await say_(turns, 'hal', 'h2', 'help', 'looker')).toBe("Sorry, I didn't understand that. | Ask me.");
    release(42);
    expect(await slow).toBe('found 42');
    expect(lookups).toBe(1);
    const lines = await store.transcript(keyOf('hal', 'looker').id);
    expect(lines.filter((l) => l.direction === 'in').map((l) => l.messageId)).toEqual(['h0', 'h2', 'h1']);
  });

  test('a conversation too busy for a turn from a copy: taken under the lock, with the answers its attempts got', async () => {
    // A store on which every write from a copy is refused, as if other turns always came first.
    const busy = Object.assign(Object.create(store) as InMemoryConversationStore, { writeIfCurrent: async () => undefined });
    const { turns } = instance(undefined, busy);
    expect(await say_(turns, 'ida', 'i1', 'lookup', 'looker')).toBe('found 1');
    expect(await say_(turns, 'ida', 'i2', 'lookup', 'looker')).toBe('found 2');
    expect(lookups).toBe(2);
    expect(await outLines('ida', 'looker')).toEqual(['found 1', 'found 2']);
  });

  test('the NLU is bounded like a service: one that does not answer fails the turn with NLU_TIMEOUT, and nothing is stored', async () => {
    const { turns } = instance(undefined, store, { nlu: { understand: () => new Promise(() => undefined) }, TURN_TIME_LIMIT_MS: '50' });
    await expect(say_(turns, 'jo', 'j1')).rejects.toMatchObject({ code: 'NLU_TIMEOUT' });
    expect(await store.transcript(keyOf('jo').id)).toEqual([]);
  });

  test('an event for an unknown conversation is CONVERSATION_NOT_FOUND and stores nothing', async () => {
    const { turns } = instance();
    await expect(
      turns.take({
        target: { kind: 'conversation', id: 'nobody' },
        input: { kind: 'event', event: { type: 'ping' } },
        messageId: 'e1',
        delivery: 'push',
      }),
    ).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    expect(await store.transcript('nobody')).toEqual([]);
  });
});
