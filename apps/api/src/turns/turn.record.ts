import type { ConversationRecord, Held, TurnOutcome, TurnRecord, TurnResult } from '@parley/dialogue-core';
import type { TurnCall } from './turn.call';

/**
 * The turn as the store is to write it, with `snapshot` and history as JSON text, serializing each object once: what
 * the engine handed back unchanged (an earlier step, the previous snapshot) is one of `known`'s objects, whose text is
 * reused. Also returns the texts of the new state's snapshot and steps, by object, for the next turn.
 */
export function turnRecord(
  conversation: ConversationRecord,
  call: Omit<TurnCall, 'target'>,
  result: TurnResult,
  hadHistory: boolean,
  known: ReadonlyMap<unknown, string> = new Map(),
): { record: TurnRecord; texts: Map<unknown, string> } {
  const { state } = result;
  const texts = new Map<unknown, string>();
  const text = (value: unknown) => known.get(value) ?? texts.get(value) ?? JSON.stringify(value);
  texts.set(state.snapshot, text(state.snapshot));
  for (const step of state.history) texts.set(step, text(step));
  // A turn that was not understood leaves the back-step history as it was: no need to rewrite it.
  const historyChanged = !(result.outcome === 'notUnderstood' && !result.reset) && (state.history.length > 0 || hadHistory);
  const record: TurnRecord = {
    conversation,
    number: conversation.turns + 1,
    messageId: call.messageId,
    dedupeChannel: call.dedupeChannel,
    input: call.input,
    pushReplies: call.delivery === 'push',
    // Decided here, as the turn is written: in the window, the first replies go in the response; after it, none.
    answeredReplies: call.delivery === 'push' && call.passive ? call.passive.claim(result.replies) : 0,
    address: call.address,
    state,
    replies: result.replies,
    effects: result.effects,
    historyChanged,
    after: turnState(result),
    json: {
      snapshot: texts.get(state.snapshot)!,
      history: historyChanged ? `[${state.history.map((step) => texts.get(step)!).join(',')}]` : undefined,
    },
  };
  return { record, texts };
}

/**
 * The state after a turn, kept on its inbound transcript line: the Studio steps through it, the web chat shows the
 * pending question's buttons again after a reload. Plain JSON: absent fields are left out, never undefined.
 */
export type TurnStateLine = {
  focus: string;
  sleeping: string[];
  yielding: string[];
  blocking: string[];
  activePath: string[];
  outcome: TurnOutcome;
  intent: string | null;
  /** The answers the pending question offers. */
  choices?: string[];
  /** Handed off to a person (`handoff()`): the bot is silent until the conversation is returned. */
  held?: Pick<Held, keyof Held>;
};

/** A transcript line's state as read back: lines written before a field existed lack it. */
export type StoredTurnState = Partial<TurnStateLine>;

function turnState(result: TurnResult): TurnStateLine {
  const { focus, sleeping, yielding, blocking } = result.threads;
  return {
    focus,
    sleeping,
    yielding,
    blocking,
    activePath: result.activePath,
    outcome: result.outcome,
    intent: result.understanding?.intent ?? null,
    ...(result.pendingChoices ? { choices: [...result.pendingChoices] } : {}),
    ...(result.held ? { held: { ...result.held } } : {}),
  };
}
