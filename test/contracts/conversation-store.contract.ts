import type {
  ConversationKey,
  ConversationRecord,
  ConversationStore,
  Effect,
  Json,
  MemoryAddress,
  TurnRecord,
} from '@parley/dialogue-core';

/** A store under test, and what its database can do. */
export interface StoreUnderTest {
  store: ConversationStore;
  /**
   * False for the embedded database, which runs one transaction at a time: a second transaction's statements wait
   * for the first to end, so "another transaction holds it right now" cannot be observed from outside.
   */
  concurrentTransactions: boolean;
  close(): Promise<void>;
}

/**
 * THE behaviour of a `ConversationStore`, run against every implementation (in memory, PostgreSQL, embedded PGlite):
 * exactly-once turns, locks, dedupe in the transcript, memory checks, outbox message ids, timers, reset.
 */
export function conversationStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ConversationStore;
    let n = 0;
    const onServer = (title: string, fn: () => Promise<void>) =>
      test(title, async () => {
        // The embedded database serves one transaction at a time (see `concurrentTransactions`).
        if (subject.concurrentTransactions) await fn();
      });

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(() => subject.close());

    /** A new user's conversation key (ids are unique per test, so tests share one store). */
    const newKey = (channel = 'rest'): ConversationKey => {
      const user = `u${++n}-${Date.now().toString(36)}`;
      return { id: `bot-${user}-${channel}`, botId: 'bot', channel, userId: user };
    };
    const memoryOf = (key: ConversationKey, name = 'total'): MemoryAddress => ({ scope: `bot/user/${key.userId}`, name });

    /** The turn after `conversation`: a message answered with `replies`, state `{ turn: n }`. */
    function turn(
      conversation: ConversationRecord,
      messageId: string,
      options: {
        replies?: (string | { text: string; choices?: string[] })[];
        effects?: Effect[];
        push?: boolean;
        answered?: number;
        history?: Json[];
        dedupe?: boolean;
        notifications?: TurnRecord['notifications'];
      } = {},
    ): TurnRecord {
      const number = conversation.turns + 1;
      return {
        conversation,
        number,
        messageId,
        dedupeChannel: options.dedupe === false ? undefined : conversation.channel,
        input: { kind: 'message', text: `message ${messageId}` },
        pushReplies: options.push ?? false,
        answeredReplies: options.answered,
        state: { bot: 'bot', version: 1, snapshot: { turn: number }, history: options.history ?? [], turns: number },
        replies: (options.replies ?? [`reply ${number}`]).map((reply) =>
          typeof reply === 'string' ? { type: 'text', text: reply } : { type: 'text', ...reply },
        ),
        effects: options.effects ?? [],
        historyChanged: options.history !== undefined,
        notifications: options.notifications,
      };
    }

    /** Take a turn under the lock: the conversation as written. */
    const take = (key: ConversationKey, messageId: string, options: Parameters<typeof turn>[2] = {}, prefetch: MemoryAddress[] = []) =>
      store.transaction(async (tx) => {
        const { conversation } = await tx.lockUser(key, 1, { prefetch, dedupe: { channel: key.channel, messageId } });
        return tx.commitTurn(turn(conversation, messageId, options));
      });

    const exists = (id: string) => store.transaction((tx) => tx.lockExisting(id));
    const remember = (key: ConversationKey, data: Json, name = 'total'): Effect => ({
      type: 'memory.write',
      ...memoryOf(key, name),
      data,
    });
    const past = (seconds: number) => new Date(Date.UTC(2020, 0, 1) + seconds * 1000).toISOString();

    describe('turns under the lock', () => {
      test('first contact creates the conversation; a turn writes its lines, state and numbers', async () => {
        const key = newKey();
        const first = await store.transaction(async (tx) => {
          const locked = await tx.lockUser(key, 1, { prefetch: [memoryOf(key)], dedupe: { channel: 'rest', messageId: 'm1' } });
          expect(locked.conversation).toEqual({ ...key, botVersion: 1, snapshot: null, turns: 0, status: 'active', transcriptSeq: 0, version: 0 });
          expect(locked.loaded.duplicate).toBeUndefined();
          expect(locked.loaded.history).toEqual([]);
          expect(locked.loaded.preloaded).toEqual([{ ...memoryOf(key), data: undefined }]);
          return tx.commitTurn(turn(locked.conversation, 'm1', { replies: ['Hello!', 'What would you like?'] }));
        });
        expect(first).toMatchObject({ id: key.id, turns: 1, transcriptSeq: 3, version: 1, snapshot: { turn: 1 } });
        const lines = await store.transcript(key.id);
        expect(lines.map((l) => [l.seq, l.turn, l.direction, l.kind, l.text, l.messageId])).toEqual([
          [1, 1, 'in', 'message', 'message m1', 'm1'],
          [2, 1, 'out', 'reply', 'Hello!', 'm1#1'],
          [3, 1, 'out', 'reply', 'What would you like?', 'm1#2'],
        ]);
        expect(lines.every((l) => l.at instanceof Date)).toBe(true);
        expect((await store.transcript(key.id, { afterSeq: 2 })).map((l) => l.seq)).toEqual([3]);
        const second = await take(key, 'm2');
        expect(second).toMatchObject({ turns: 2, transcriptSeq: 5, version: 2 });
        expect(await exists(key.id)).toEqual(second);
      });

      test('a transaction that throws leaves no trace, not even a new conversation', async () => {
        const key = newKey();
        await expect(
          store.transaction(async (tx) => {
            const { conversation } = await tx.lockUser(key, 1, { prefetch: [] });
            await tx.load({ prefetch: [memoryOf(key)] });
            throw new Error(`engine failed in ${conversation.id}`);
          }),
        ).rejects.toThrow('engine failed');
        expect(await exists(key.id)).toBeUndefined();
        expect(await store.transcript(key.id)).toEqual([]);
      });

      test('a redelivered message id is recognised on its channel, with the replies its turn gave and their choices', async () => {
        const key = newKey();
        await take(key, 'm1', { replies: ['one', 'two'] });
        await take(key, 'm2', { replies: [{ text: 'three?', choices: ['yes', 'no'] }] });
        const loaded = (dedupe: { channel: string; messageId: string }) =>
          store.transaction(async (tx) => (await tx.lockUser(key, 1, { prefetch: [], dedupe })).loaded.duplicate);
        expect(await loaded({ channel: 'rest', messageId: 'm1' })).toEqual({
          replies: [{ text: 'one' }, { text: 'two' }],
          inbound: { text: 'message m1', event: null },
        });
        expect(await loaded({ channel: 'rest', messageId: 'm2' })).toEqual({
          replies: [{ text: 'three?', choices: ['yes', 'no'] }],
          inbound: { text: 'message m2', event: null },
        });
        // The transcript shows what the reply offered.
        const lines = await store.transcript(key.id);
        expect(lines.filter((line) => line.direction === 'out').map(({ text, choices }) => ({ text, choices }))).toEqual([
          { text: 'one', choices: undefined },
          { text: 'two', choices: undefined },
          { text: 'three?', choices: ['yes', 'no'] },
        ]);
        expect(await loaded({ channel: 'sms', messageId: 'm1' })).toBeUndefined();
        expect(await loaded({ channel: 'rest', messageId: 'm3' })).toBeUndefined();
        // An event: what came in is the event itself.
        await store.transaction(async (tx) => {
          const { conversation } = await tx.lockUser(key, 1, { prefetch: [] });
          const event = { type: 'payment.done', amount: 3, items: [{ sku: 'a' }] };
          return tx.commitTurn({ ...turn(conversation, 'e1'), input: { kind: 'event', event } });
        });
        expect(await loaded({ channel: 'rest', messageId: 'e1' })).toEqual({
          replies: [{ text: 'reply 3' }],
          inbound: { text: 'payment.done', event: { type: 'payment.done', amount: 3, items: [{ sku: 'a' }] } },
        });
        // Written anyway, the same message id is refused and nothing of the turn is stored.
        await expect(take(key, 'm1')).rejects.toThrow();
        expect((await exists(key.id))?.turns).toBe(3);
      });

      test('the back-step history is replaced when a turn changes it, and kept when it does not', async () => {
        const key = newKey();
        await take(key, 'm1', { history: [{ step: 1 }] });
        await take(key, 'm2');
        const history = await store.transaction(async (tx) => (await tx.lockUser(key, 1, { prefetch: [] })).loaded.history);
        expect(history).toEqual([{ step: 1 }]);
        await take(key, 'm3', { history: [] });
        expect(await store.transaction(async (tx) => (await tx.lockUser(key, 1, { prefetch: [] })).loaded.history)).toEqual([]);
      });

      test('memory: written by a turn, prefetched by the next (also from another conversation of the user), other records read on demand', async () => {
        const key = newKey();
        await take(key, 'm1', { effects: [remember(key, { orders: 1 }), remember(key, 'x', 'note'), remember(key, { orders: 2 })] });
        const other: ConversationKey = { ...key, id: `${key.id}-sms`, channel: 'sms' };
        const read = await store.transaction(async (tx) => {
          const { loaded } = await tx.lockUser(other, 1, { prefetch: [memoryOf(key)] });
          return { preloaded: loaded.preloaded, more: await loaded.memory.read([memoryOf(key, 'note'), memoryOf(key, 'none')]) };
        });
        // The later write of one record in one turn wins.
        expect(read.preloaded).toEqual([{ ...memoryOf(key), data: { orders: 2 } }]);
        expect(read.more).toEqual(['x', undefined]);
      });

      test('one turn at a time: a turn waits for the lock, then sees what the holder committed', async () => {
        const key = newKey();
        await take(key, 'm1');
        let release!: () => void;
        const holding = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const first = store.transaction(async (tx) => {
          const { conversation } = await tx.lockUser(key, 1, { prefetch: [] });
          locked();
          await holding;
          return tx.commitTurn(turn(conversation, 'm2'));
        });
        await isLocked;
        const second = store.transaction(async (tx) => (await tx.lockUser(key, 1, { prefetch: [] })).conversation);
        release();
        expect((await first).version).toBe(2);
        expect(await second).toMatchObject({ version: 2, turns: 2 });
      });

      onServer('lockExisting without waiting gives nothing while another turn holds the conversation', async () => {
        const key = newKey();
        await take(key, 'm1');
        await store.transaction(async (tx) => {
          await tx.lockExisting(key.id);
          expect(await store.transaction((other) => other.lockExisting(key.id, { wait: false }))).toBeUndefined();
        });
        expect(await store.transaction((tx) => tx.lockExisting(key.id, { wait: false }))).toMatchObject({ id: key.id });
        expect(await store.transaction((tx) => tx.lockExisting('no-such-conversation', { wait: false }))).toBeUndefined();
      });
    });

    describe('writes from a copy (writeIfCurrent)', () => {
      test('written when the copy is current; every row of the turn, and the version moves on', async () => {
        const key = newKey();
        const copy = await take(key, 'm1', { effects: [remember(key, 1)] });
        const written = await store.writeIfCurrent({
          turn: turn(copy, 'm2', { effects: [remember(key, 2)], history: [{ turn: 1 }] }),
          memoryRead: [{ ...memoryOf(key), data: 1 }],
        });
        expect(written).toMatchObject({ turns: 2, version: copy.version + 1, transcriptSeq: 4, snapshot: { turn: 2 } });
        const { loaded } = await store.transaction((tx) => tx.lockUser(key, 1, { prefetch: [memoryOf(key)] }));
        expect(loaded.preloaded[0]?.data).toBe(2);
        expect(loaded.history).toEqual([{ turn: 1 }]);
        expect((await store.transcript(key.id)).map((l) => l.messageId)).toEqual(['m1', 'm1#1', 'm2', 'm2#1']);
      });

      test('refused, writing nothing, when another turn moved the conversation on', async () => {
        const key = newKey();
        const copy = await take(key, 'm1');
        await take(key, 'm2');
        expect(await store.writeIfCurrent({ turn: turn(copy, 'm3'), memoryRead: [] })).toBeUndefined();
        expect((await store.transcript(key.id)).map((l) => l.messageId)).toEqual(['m1', 'm1#1', 'm2', 'm2#1']);
      });

      test('refused for a message id already handled (a redelivery)', async () => {
        const key = newKey();
        await take(key, 'm1');
        const copy = await take(key, 'm2');
        expect(await store.writeIfCurrent({ turn: turn(copy, 'm1'), memoryRead: [] })).toBeUndefined();
        expect((await exists(key.id))?.turns).toBe(2);
      });

      test('refused when memory the turn read changed since, or a record it saw absent now exists', async () => {
        const key = newKey();
        const copy = await take(key, 'm1', { effects: [remember(key, 1)] });
        // Another conversation of the user changes the record, and creates another one.
        const other: ConversationKey = { ...key, id: `${key.id}-sms`, channel: 'sms' };
        await take(other, 's1', { effects: [remember(key, 5), remember(key, 'new', 'note')] });
        const stale = { turn: turn(copy, 'm2', { effects: [remember(key, 2)] }) };
        expect(await store.writeIfCurrent({ ...stale, memoryRead: [{ ...memoryOf(key), data: 1 }] })).toBeUndefined();
        expect(
          await store.writeIfCurrent({ ...stale, memoryRead: [{ ...memoryOf(key, 'note'), data: undefined }] }),
        ).toBeUndefined();
        // What it read is current (key order does not matter): written.
        expect(
          await store.writeIfCurrent({ ...stale, memoryRead: [{ ...memoryOf(key), data: 5 }, { ...memoryOf(key, 'note'), data: 'new' }] }),
        ).toMatchObject({ turns: 2 });
      });

      test('objects compare as values, whatever the order of their keys', async () => {
        const key = newKey();
        const copy = await take(key, 'm1', { effects: [remember(key, { a: 1, b: [1, { c: null }] })] });
        expect(
          await store.writeIfCurrent({ turn: turn(copy, 'm2'), memoryRead: [{ ...memoryOf(key), data: { b: [1, { c: null }], a: 1 } }] }),
        ).toMatchObject({ turns: 2 });
      });

      test('of two turns that saw a record absent and create it, only the first is written', async () => {
        const [one, two] = [newKey(), newKey()];
        const shared: MemoryAddress = { scope: `bot/shared/${one.userId}`, name: 'total' };
        const [a, b] = [await take(one, 'a1'), await take(two, 'b1')];
        const create = (copy: ConversationRecord, data: number) =>
          store.writeIfCurrent({
            turn: turn(copy, `${copy.id}-2`, { effects: [{ type: 'memory.write', ...shared, data }] }),
            memoryRead: [{ ...shared, data: undefined }],
          });
        expect(await create(a, 10)).toMatchObject({ turns: 2 });
        expect(await create(b, 20)).toBeUndefined();
        const read = await store.transaction(async (tx) => (await tx.lockUser(two, 1, { prefetch: [shared] })).loaded.preloaded);
        expect(read).toEqual([{ ...shared, data: 10 }]);
      });

      onServer('refused without waiting while a turn under the lock holds the conversation', async () => {
        const key = newKey();
        const copy = await take(key, 'm1');
        await store.transaction(async (tx) => {
          await tx.lockExisting(key.id);
          expect(await store.writeIfCurrent({ turn: turn(copy, 'm2'), memoryRead: [] })).toBeUndefined();
        });
        expect(await store.writeIfCurrent({ turn: turn(copy, 'm2'), memoryRead: [] })).toMatchObject({ turns: 2 });
      });

      onServer('refused without waiting while a turn under the lock holds a memory record it read', async () => {
        const key = newKey();
        const copy = await take(key, 'm1', { effects: [remember(key, 1)] });
        const other: ConversationKey = { ...key, id: `${key.id}-sms`, channel: 'sms' };
        await store.transaction(async (tx) => {
          const { conversation, loaded } = await tx.lockUser(other, 1, { prefetch: [memoryOf(key)] });
          expect(loaded.preloaded[0]?.data).toBe(1);
          // Read as 1 by both; the turn under the lock will write 2.
          const attempt = { turn: turn(copy, 'm2', { effects: [remember(key, 2)] }), memoryRead: [{ ...memoryOf(key), data: 1 }] };
          expect(await store.writeIfCurrent(attempt)).toBeUndefined();
          await tx.commitTurn(turn(conversation, 's1', { effects: [remember(key, 2)] }));
        });
        expect((await exists(key.id))?.turns).toBe(1);
      });
    });

    describe('reads that lock nothing (read, readMemory)', () => {
      test("a user's first read gives a new conversation, storing nothing; the first turn written from it creates it", async () => {
        const key = newKey();
        const first = await store.read({ key, botVersion: 1 }, (who) => ({ prefetch: [memoryOf({ ...key, userId: who.userId })] }));
        expect(first?.conversation).toEqual({ ...key, botVersion: 1, snapshot: null, turns: 0, status: 'active', transcriptSeq: 0, version: 0 });
        expect(await exists(key.id)).toBeUndefined();
        expect(first?.loaded).toMatchObject({ history: [], preloaded: [{ ...memoryOf(key), data: undefined }] });
        expect(first?.loaded.duplicate).toBeUndefined();
        const written = await store.writeIfCurrent({ turn: turn(first!.conversation, 'm1', { effects: [remember(key, 1)] }), memoryRead: first!.loaded.preloaded });
        expect(written).toMatchObject({ turns: 1, version: 1 });
        // Read again: the turn, its memory, and the message id as a redelivery.
        const again = await store.read({ key, botVersion: 1 }, () => ({ prefetch: [memoryOf(key)], dedupe: { channel: 'rest', messageId: 'm1' } }));
        expect(again?.conversation).toMatchObject({ turns: 1, version: 1, snapshot: { turn: 1 } });
        expect(again?.loaded.preloaded).toEqual([{ ...memoryOf(key), data: 1 }]);
        expect(again?.loaded.duplicate?.replies).toEqual([{ text: 'reply 1' }]);
        expect(await store.readMemory([memoryOf(key), memoryOf(key, 'none')])).toEqual([1, undefined]);
        expect(await again!.loaded.memory.read([memoryOf(key), memoryOf(key, 'none')])).toEqual([1, undefined]);
      });

      test('two first turns of a new conversation from two reads: one is written, the other refused', async () => {
        const key = newKey();
        const reads = await Promise.all([1, 2].map(() => store.read({ key, botVersion: 1 }, () => ({ prefetch: [] }))));
        const results = await Promise.all(
          reads.map((read, i) => store.writeIfCurrent({ turn: turn(read!.conversation, `first-${i}`), memoryRead: [] })),
        );
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
        expect((await store.transcript(key.id)).filter((l) => l.direction === 'in')).toHaveLength(1);
      });

      test('by id: undefined for no such conversation; what to load is decided from its user', async () => {
        expect(await store.read({ id: 'no-such-conversation' }, () => ({ prefetch: [] }))).toBeUndefined();
        const key = newKey();
        await take(key, 'm1', { effects: [remember(key, 'x')] });
        const read = await store.read({ id: key.id }, (who) => ({ prefetch: [memoryOf({ ...key, userId: who.userId })] }));
        expect(read?.conversation).toMatchObject({ id: key.id, userId: key.userId, turns: 1 });
        expect(read?.loaded.preloaded).toEqual([{ ...memoryOf(key), data: 'x' }]);
      });

      onServer('a read does not wait for a turn under the lock, and sees the last commit', async () => {
        const key = newKey();
        await take(key, 'm1');
        await store.transaction(async (tx) => {
          const { conversation } = await tx.lockUser(key, 1, { prefetch: [memoryOf(key)] });
          expect((await store.read({ key, botVersion: 1 }, () => ({ prefetch: [memoryOf(key)] })))?.conversation.version).toBe(conversation.version);
          expect(await store.readMemory([memoryOf(key)])).toEqual([undefined]);
          await tx.commitTurn(turn(conversation, 'm2', { effects: [remember(key, 2)] }));
        });
        expect((await store.read({ id: key.id }, () => ({ prefetch: [] })))?.conversation.turns).toBe(2);
      });
    });

    describe('outbox and message ids', () => {
      test('pushed replies and outbound calls become outbox items with stable message ids', async () => {
        const key = newKey();
        await take(key, 'ev1', {
          push: true,
          replies: ['pushed one', 'pushed two'],
          effects: [
            { type: 'call', service: 'crm', input: { order: 1 } },
            { type: 'call', service: 'crm', input: { order: 2 } },
          ],
        });
        // Replies in the response (not pushed) need no outbox item.
        await take(key, 'm2', { replies: ['answered'] });
        const items = await store.outbox(key.id);
        const byId = Object.fromEntries(items.map((i) => [i.messageId, [i.turn, i.kind, i.target, i.payload, i.status]]));
        expect(byId).toEqual({
          'ev1#1': [1, 'reply', 'rest', { type: 'text', text: 'pushed one' }, 'pending'],
          'ev1#2': [1, 'reply', 'rest', { type: 'text', text: 'pushed two' }, 'pending'],
          [`${key.id}/1/call/1`]: [1, 'call', 'crm', { order: 1 }, 'pending'],
          [`${key.id}/1/call/2`]: [1, 'call', 'crm', { order: 2 }, 'pending'],
        });
        expect(new Set(items.map((i) => i.id)).size).toBe(4);
      });

      test('pushed replies answered in the response (a passive reply) get no outbox item; the others keep their ids', async () => {
        const key = newKey();
        await take(key, 'w1', { push: true, answered: 1, replies: ['in the response', 'pushed', 'pushed too'] });
        const items = await store.outbox(key.id);
        expect(items.map((i) => i.messageId).sort()).toEqual(['w1#2', 'w1#3']);
      });

      test("the host's notifications (event webhooks) are written with the turn, after its pushed replies, in order", async () => {
        const key = newKey();
        await take(key, 'ev1', {
          push: true,
          replies: ['pushed'],
          notifications: [
            { kind: 'webhook', target: 'crm', payload: { type: 'turn.handled', n: 1 }, messageId: `${key.id}/1/turn.handled/0` },
            { kind: 'webhook', target: 'audit', payload: { type: 'turn.handled', n: 1 }, messageId: `${key.id}/1/turn.handled/0` },
          ],
        });
        await take(key, 'm2', { notifications: [{ kind: 'webhook', target: 'crm', payload: { type: 'turn.handled', n: 2 }, messageId: `${key.id}/2/turn.handled/0` }] });
        const items = await store.outbox(key.id);
        expect(items.map((i) => [i.turn, i.kind, i.target, i.messageId, i.status])).toEqual([
          [1, 'reply', 'rest', 'ev1#1', 'pending'],
          [1, 'webhook', 'crm', `${key.id}/1/turn.handled/0`, 'pending'],
          [1, 'webhook', 'audit', `${key.id}/1/turn.handled/0`, 'pending'],
          [2, 'webhook', 'crm', `${key.id}/2/turn.handled/0`, 'pending'],
        ]);
      });
    });

    describe('timers', () => {
      test('a due timer is claimed once, removed when the claim commits, back when it rolls back; a key replaces its timer', async () => {
        const key = newKey();
        const schedule = (at: string, type: string, timerKey?: string): Effect => ({
          type: 'schedule',
          at,
          event: { type, n: 1 },
          key: timerKey,
        });
        await take(key, 'm1', {
          effects: [schedule(past(-60), 'first'), schedule(past(0), 'replaced', 'remind'), schedule('2999-01-01T00:00:00.000Z', 'later')],
        });
        await take(key, 'm2', { effects: [schedule(past(30), 'reminder', 'remind')] });
        const next = await store.nextTimerAt();
        expect(next && next.getTime()).toBeLessThanOrEqual(Date.parse(past(-60)));

        const mine = (timer: { conversationId: string } | undefined) => timer?.conversationId === key.id;
        // Claimed and rolled back: it comes back.
        await expect(
          store.transaction(async (tx) => {
            const due = await claimOwn(tx);
            expect(due?.event).toEqual({ type: 'first', n: 1 });
            throw new Error('turn failed');
          }),
        ).rejects.toThrow('turn failed');
        const fired: string[] = [];
        for (;;) {
          const due = await store.transaction(async (tx) => {
            const timer = await claimOwn(tx);
            if (!timer) return undefined;
            const conversation = await tx.lockExisting(timer.conversationId);
            await tx.commitTurn(turn(conversation!, `job-${timer.id}`, { dedupe: false, push: true }));
            return timer;
          });
          if (!due) break;
          expect(mine(due)).toBe(true);
          fired.push(due.event.type);
        }
        expect(fired).toEqual(['first', 'reminder']);

        /** Claim this test's due timers only (other tests' timers may be due in a shared store). */
        async function claimOwn(tx: Parameters<Parameters<ConversationStore['transaction']>[0]>[0]) {
          const skip: string[] = [];
          for (;;) {
            const timer = await tx.claimDueTimer(skip);
            if (!timer || mine(timer)) return timer;
            skip.push(timer.id);
          }
        }
      });

      onServer('a timer claimed by one transaction is invisible to another until it ends', async () => {
        const key = newKey();
        await take(key, 'm1', { effects: [{ type: 'schedule', at: past(-3600), event: { type: 'only' } }] });
        const own = async (tx: Parameters<Parameters<ConversationStore['transaction']>[0]>[0]) => {
          const skip: string[] = [];
          for (;;) {
            const timer = await tx.claimDueTimer(skip);
            if (!timer || timer.conversationId === key.id) return timer;
            skip.push(timer.id);
          }
        };
        await store.transaction(async (tx) => {
          expect((await own(tx))?.event).toEqual({ type: 'only' });
          expect(await store.transaction(own)).toBeUndefined();
        });
      });
    });

    describe('reset', () => {
      test('forgets the state, the history, pending (even due) timers and the given memory; keeps the transcript; a copy is stale', async () => {
        const key = newKey();
        const copy = await take(key, 'm1', {
          history: [{ step: 1 }],
          effects: [
            remember(key, 1),
            remember(key, 'kept', 'note'),
            { type: 'schedule', at: past(-120), event: { type: 'reminder' }, key: 'r' },
          ],
        });
        await store.transaction(async (tx) => {
          await tx.lockExisting(key.id);
          await tx.reset([memoryOf(key)]);
        });
        const { conversation, loaded } = await store.transaction((tx) =>
          tx.lockUser(key, 1, { prefetch: [memoryOf(key), memoryOf(key, 'note')] }),
        );
        expect(conversation).toMatchObject({ snapshot: null, turns: 1, transcriptSeq: 2, status: 'active' });
        expect(conversation.version).toBeGreaterThan(copy.version);
        expect(loaded.history).toEqual([]);
        expect(loaded.preloaded.map((m) => m.data)).toEqual([undefined, 'kept']);
        expect((await store.transcript(key.id)).length).toBe(2);
        expect(await store.writeIfCurrent({ turn: turn(copy, 'm2'), memoryRead: [] })).toBeUndefined();
        const pending = await store.transaction(async (tx) => {
          const skip: string[] = [];
          for (;;) {
            const timer = await tx.claimDueTimer(skip);
            if (!timer) return [];
            if (timer.conversationId === key.id) return [timer];
            skip.push(timer.id);
          }
        });
        expect(pending).toEqual([]);
      });
    });
  });
}
