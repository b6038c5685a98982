import { ask, defineBot, defineContext, finish, InMemoryMemory, runTurn } from '@parley/dialogue-core';
import { ConversationCache, type CachedConversation } from './conversation.cache';

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
async function entry(id: string): Promise<CachedConversation> {
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
    texts: new Map(),
    live: result.live,
    memory: [],
  };
}

describe('ConversationCache', () => {
  it('hands an entry out once: a second turn of the conversation finds nothing until the first puts back its own', async () => {
    const cache = new ConversationCache(10);
    const a = await entry('a');
    cache.set('a', a);
    expect(cache.take('a')).toBe(a);
    expect(cache.take('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the least recently set entry beyond its capacity', async () => {
    const cache = new ConversationCache(2);
    for (const id of ['a', 'b', 'c']) cache.set(id, await entry(id));
    expect(cache.size).toBe(2);
    expect(cache.take('a')).toBeUndefined();
    expect(cache.take('b')?.conversation.id).toBe('b');
    expect(cache.take('c')?.conversation.id).toBe('c');
  });

  it('keeps live trees for the most recent entries only; older entries keep their state', async () => {
    const cache = new ConversationCache(10, 2);
    for (const id of ['a', 'b', 'c']) cache.set(id, await entry(id));
    expect(cache.liveSize).toBe(2);
    const a = cache.take('a')!;
    expect(a.live).toBeUndefined();
    expect(a.state.snapshot).toBeDefined();
    expect(cache.take('b')!.live).toBeDefined();
    expect(cache.take('c')!.live).toBeDefined();
    expect(cache.liveSize).toBe(0);
  });
});
