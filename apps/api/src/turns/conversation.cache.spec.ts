import { ask, defineBot, defineContext, finish, InMemoryMemory, runTurn } from '@parley/dialogue-core';
import { ConversationCache, HEAP_PER_CHAR, HEAP_PER_CHAR_LIVE, weigh, type CachedConversation } from './conversation.cache';

const bot = defineBot({
  id: 'echo',
  version: 1,
  home: 'main',
  contexts: [
    defineContext({
      id: 'main',
      context: {},
      initial: 'asking',
      stages: {
        asking: ask({ prompt: 'Say something.', quiet: true, on: { 'intent.bye': 'done' } }),
        done: finish('done'),
      },
    }),
  ],
});

/** A cache entry as the turn service makes it, from a real turn (with the live tree the engine offers). */
async function entry(id: string, texts = new Map<unknown, string>()): Promise<CachedConversation> {
  const result = await runTurn(
    bot,
    { conversationId: id, userId: id, state: null, input: { kind: 'message', text: 'hi', intent: null } },
    { memory: new InMemoryMemory() },
  );
  expect(result.live).toBeDefined();
  return {
    conversation: {
      id,
      botId: 'echo',
      channel: 'rest',
      userId: id,
      botVersion: 1,
      turns: 1,
      status: 'active',
      transcriptSeq: 2,
      version: 1,
    },
    state: result.state,
    texts,
    live: result.live,
    memory: [],
  };
}

describe('ConversationCache', () => {
  it('hands an entry out once: a second turn of the conversation finds nothing until the first puts back its own', async () => {
    const cache = new ConversationCache(1024 * 1024);
    const a = await entry('a');
    cache.set('a', a);
    expect(cache.take('a')).toBe(a);
    expect(cache.take('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('weighs an entry by its JSON text: more with a live tree; the text the turn already made is not made again', async () => {
    const a = await entry('a');
    const chars = JSON.stringify(a.state.snapshot).length;
    expect(weigh(a)).toBe(chars * HEAP_PER_CHAR_LIVE);
    a.live = undefined;
    expect(weigh(a)).toBe(chars * HEAP_PER_CHAR);
    // A text given for the snapshot is measured as is (the turn serialized it already).
    const b = await entry('b', new Map());
    b.texts.set(b.state.snapshot, 'x'.repeat(1000));
    expect(weigh(b)).toBe(1000 * HEAP_PER_CHAR_LIVE);
  });

  it('evicts the least recently set entries once their weight passes the budget in bytes, whatever their count', async () => {
    const small = await entry('probe');
    const unit = weigh(small);
    // Room for three small entries.
    const cache = new ConversationCache(unit * 3 + unit / 2);
    for (const id of ['a', 'b', 'c']) cache.set(id, await entry(id));
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBe(unit * 3);
    // One big entry (four small ones' worth) pushes out the three oldest it needs room for: all of them.
    const big = await entry('big', new Map());
    big.texts.set(big.state.snapshot, 'x'.repeat(Math.ceil((unit * 3) / HEAP_PER_CHAR_LIVE)));
    cache.set('big', big);
    expect(cache.take('a')).toBeUndefined();
    expect(cache.take('b')).toBeUndefined();
    expect(cache.take('c')).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBeLessThanOrEqual(unit * 3 + unit / 2);
    // Taking an entry out frees its weight; an entry larger than the budget is not kept at all.
    cache.take('big');
    expect(cache.bytes).toBe(0);
    const huge = await entry('huge', new Map());
    huge.texts.set(huge.state.snapshot, 'x'.repeat(unit));
    cache.set('huge', huge);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('keeps many small entries in the budget that fits few large ones', async () => {
    const unit = weigh(await entry('probe'));
    const cache = new ConversationCache(unit * 10);
    for (let i = 0; i < 25; i++) cache.set(`s${i}`, await entry(`s${i}`));
    expect(cache.size).toBe(10);
    expect(cache.take('s14')).toBeUndefined();
    expect(cache.take('s15')).toBeDefined();
  });

  it('caches nothing with a budget of 0', async () => {
    const cache = new ConversationCache(0);
    cache.set('a', await entry('a'));
    expect(cache.size).toBe(0);
  });

  it('keeps live trees for the most recent entries only; older entries keep their state', async () => {
    const cache = new ConversationCache(1024 * 1024, 2);
    for (const id of ['a', 'b', 'c']) cache.set(id, await entry(id));
    expect(cache.liveSize).toBe(2);
    // The stripped entry weighs what its state alone does.
    const unit = JSON.stringify((await entry('x')).state.snapshot).length;
    expect(cache.bytes).toBe(unit * (2 * HEAP_PER_CHAR_LIVE + HEAP_PER_CHAR));
    const a = cache.take('a')!;
    expect(a.live).toBeUndefined();
    expect(a.state.snapshot).toBeDefined();
    expect(cache.take('b')!.live).toBeDefined();
    expect(cache.take('c')!.live).toBeDefined();
    expect(cache.liveSize).toBe(0);
  });
});
