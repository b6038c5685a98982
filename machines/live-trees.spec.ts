import { converse, InMemoryMemory, type BotDefinition, type Conversation } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { juice } from './juice/juice.bot';
import { juiceTranscripts } from './juice/juice.transcripts';
import { pizza } from './pizza/pizza.bot';
import { pizzaTranscripts } from './pizza/pizza.transcripts';
import type { Transcript } from './transcript';

/**
 * A turn that continues from the live tree the previous turn left (what the server's cache does) must do exactly what
 * a turn that restores the stored JSON does: every transcript of the demo bots, played both ways, turn by turn.
 */
const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };

interface TurnRecord {
  user: string;
  say: string;
  replies: string[];
  outcome: string;
  state: string;
  effects: string;
  activePath: string[];
}

async function play(bot: BotDefinition, transcript: Transcript, live: boolean) {
  const memory = new InMemoryMemory();
  const users = new Map<string, Conversation>();
  const records: TurnRecord[] = [];
  let continued = 0;
  for (const turn of transcript.turns) {
    const user = turn.user ?? 'default';
    let conversation = users.get(user);
    if (!conversation) {
      conversation = converse(bot, { nlu, clock, memory, userId: user, conversationId: `c-${user}`, live });
      users.set(user, conversation);
    }
    const before = conversation.results.at(-1)?.live;
    await conversation.say(turn.say);
    const last = conversation.last;
    if (before?.taken) continued++;
    records.push({
      user,
      say: turn.say,
      replies: last.replies.map((r) => r.text),
      outcome: last.outcome,
      state: JSON.stringify(last.state),
      effects: JSON.stringify(last.effects),
      activePath: last.activePath,
    });
  }
  return { records, continued };
}

const cases = [
  ...juiceTranscripts.map((t) => [`juice: ${t.name}`, juice, t] as const),
  ...pizzaTranscripts.map((t) => [`pizza: ${t.name}`, pizza, t] as const),
];

describe('live trees: continuing from the previous turn equals restoring from JSON', () => {
  it.each(cases)('%s', async (_name, bot, transcript) => {
    const restored = await play(bot, transcript, false);
    const live = await play(bot, transcript, true);
    expect(live.records).toEqual(restored.records);
    expect(restored.continued).toBe(0);
    // Most turns continued from the tree (not: the first of each user, nor those after a back step or a quit).
    const users = new Set(transcript.turns.map((t) => t.user ?? 'default')).size;
    expect(live.continued).toBeGreaterThanOrEqual((transcript.turns.length - users) / 2);
    expect(live.continued).toBeGreaterThan(0);
  });

  it('a tree is used once, and only with the state it belongs to', async () => {
    const first = converse(juice, { nlu, clock, live: true });
    await first.say('我想买果汁');
    const tree = first.last.live!;
    expect(tree).toBeDefined();
    // Another state object (as from the database) with the same content: restored from JSON, the tree is not taken.
    const copy = JSON.parse(JSON.stringify(first.last.state)) as typeof first.last.state;
    expect(tree.take(juice, copy)).toBeUndefined();
    expect(tree.take(pizza, first.last.state)).toBeUndefined();
    expect(tree.take(juice, first.last.state)).toBeDefined();
    expect(tree.take(juice, first.last.state)).toBeUndefined();
    expect(tree.taken).toBe(true);
  });
});
