import { inboundEvent, type ConversationRecord, type Json, type Reply, type TurnRecord } from '@parley/dialogue-core';
import type { TurnWrite } from './turn.types';

/**
 * How a turn becomes rows, for every store: the inbound line (the dedupe record when the channel redelivers), one
 * line per reply, memory records, timers and outbox items, with the message ids receivers dedupe on:
 * - a reply: `<inbound message id>#<n>` (n from 1), in the transcript and, when pushed, in the outbox;
 * - an outbound call: `<conversation id>/<turn>/call/<n>`.
 */
export function turnWrite(record: TurnRecord): TurnWrite {
  const { input, messageId, conversation, number, state } = record;
  const channel = record.dedupeChannel;
  const inbound =
    input.kind === 'message'
      ? { direction: 'in' as const, kind: 'message' as const, text: input.text, messageId, channel, state: record.after }
      : {
          direction: 'in' as const,
          kind: 'event' as const,
          text: inboundEvent(input).type,
          messageId,
          event: inboundEvent(input),
          channel,
          state: record.after,
        };
  const replyId = (i: number) => `${messageId}#${i + 1}`;
  const write: TurnWrite = {
    botVersion: state.version,
    snapshot: state.snapshot,
    turns: number,
    status: (state.snapshot as { status?: string } | null)?.status === 'done' ? 'ended' : 'active',
    history: record.historyChanged ? state.history : undefined,
    transcript: [
      inbound,
      ...record.replies.map((reply, i) => ({
        direction: 'out' as const,
        kind: 'reply' as const,
        text: reply.text,
        messageId: replyId(i),
        ...(reply.choices?.length ? { choices: [...reply.choices] } : {}),
      })),
    ],
    memory: [],
    outbox: [],
    schedules: [],
    json: record.json,
    ...(record.address !== undefined ? { address: record.address } : {}),
  };
  let calls = 0;
  for (const effect of record.effects) {
    if (effect.type === 'memory.write') write.memory.push({ scope: effect.scope, name: effect.name, data: effect.data });
    else if (effect.type === 'schedule') write.schedules.push({ at: effect.at, event: effect.event as Json, key: effect.key });
    else
      write.outbox.push({
        kind: 'call',
        target: effect.service,
        payload: effect.input,
        messageId: `${conversation.id}/${number}/call/${++calls}`,
      });
  }
  if (record.pushReplies) {
    const answered = record.answeredReplies ?? 0;
    record.replies.forEach((reply, i) => {
      if (i < answered) return;
      write.outbox.push({
        kind: 'reply',
        target: conversation.channel,
        payload: replyPayload(reply, record.address),
        messageId: replyId(i),
      });
    });
  }
  // Event webhooks last: a receiver hears of the turn after the replies it pushed were written.
  for (const n of record.notifications ?? []) write.outbox.push({ kind: n.kind, target: n.target, payload: n.payload, messageId: n.messageId });
  return write;
}

/** The conversation row as a turn's write leaves it. */
export function afterWrite(conversation: ConversationRecord, turn: TurnWrite, transcriptSeq: number): ConversationRecord {
  return {
    ...conversation,
    transcriptSeq,
    turns: turn.turns,
    snapshot: turn.snapshot,
    botVersion: turn.botVersion,
    status: turn.status,
    version: conversation.version + 1,
  };
}

/** A pushed reply's outbox payload: the reply (with its choices) and where it goes (`TurnRecord.address`). */
function replyPayload(reply: Reply, address: Json | undefined): Json {
  const payload: { [key: string]: Json } = { type: 'text', text: reply.text };
  if (reply.choices?.length) payload.choices = [...reply.choices];
  if (address !== undefined) payload.address = address;
  return payload;
}
