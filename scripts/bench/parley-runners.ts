import { InMemoryMemory, runTurn, type ConversationState, type TurnResult } from '@parley/dialogue-core';
import { juice } from '../../machines/juice';
import type { ClassifiedTurn, OrderRunner } from './juice-order';

/**
 * Parley's engine on the juice bot, the way the server runs it: each turn restores the conversation from its JSON
 * and writes it back as JSON (`restore`), or continues from the live actor tree the last turn left (`live`: the
 * server's cache), the state still serialized. User memory in an InMemoryMemory, written after each turn.
 */
export function parleyRunner(mode: 'restore' | 'live'): OrderRunner {
  const memory = new InMemoryMemory();
  const stored = new Map<string, string>();
  const live = new Map<string, TurnResult>();
  return {
    name: `parley-${mode}`,
    description:
      mode === 'restore'
        ? "Parley's engine, each turn restored from JSON and written back to JSON (runTurn, InMemoryMemory)"
        : "Parley's engine continuing from the live actor tree (the server's cache), state still written to JSON",
    async turn(conversationId, userId, input: ClassifiedTurn) {
      const last = live.get(conversationId);
      const json = mode === 'restore' ? stored.get(conversationId) : undefined;
      const state =
        mode === 'restore' ? (json ? (JSON.parse(json) as ConversationState) : null) : (last?.state ?? null);
      const result = await runTurn(
        juice,
        {
          conversationId,
          userId,
          state,
          input: { kind: 'message', text: input.text, intent: input.intent, entities: input.entities },
          live: mode === 'live' ? last?.live : undefined,
        },
        { memory },
      );
      memory.apply(result.effects);
      const written = JSON.stringify(result.state);
      if (mode === 'restore') stored.set(conversationId, written);
      else live.set(conversationId, result);
      return result.replies.map((reply) => reply.text);
    },
    ended(conversationId) {
      live.delete(conversationId);
    },
  };
}
