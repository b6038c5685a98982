import type { Json, TurnResult } from '@parley/dialogue-core';

/** Every event a webhook subscription can ask for (payloads: docs/webhooks.schema.json). */
export const WEBHOOK_EVENT_TYPES = [
  'turn.handled',
  'context.finished',
  'escape',
  'handoff.requested',
  'handoff.returned',
  'push.sent',
  'delivery.dead_lettered',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What is POSTed to a subscription (the Standard Webhooks payload shape: type, timestamp, data). */
export interface WebhookEvent {
  type: WebhookEventType;
  /** ISO 8601: when it happened. */
  timestamp: string;
  data: { [key: string]: Json };
}

/** Which conversation an event is about (every event's `data` starts with these). */
export interface EventSubject {
  botId: string;
  conversationId: string;
  channel: string;
  userId: string;
}

/** The engine's events of a turn (`TurnResult.events`: a context finished, an escape, a handoff), as webhook events. */
const ENGINE_EVENTS: ReadonlySet<string> = new Set<WebhookEventType>(['context.finished', 'escape', 'handoff.requested', 'handoff.returned']);

/**
 * The events one committed turn sends: `turn.handled`, then what the engine reports in `TurnResult.events`, in the
 * order it happened (each `{ type, …fields }` whose type is one of `context.finished`, `escape`, `handoff.requested`,
 * `handoff.returned` becomes an event whose data is the subject, the turn number and those fields).
 */
export function turnEvents(
  subject: EventSubject,
  turn: { number: number; messageId: string; input: { kind: string; text?: string; event?: { type: string } } },
  result: TurnResult,
  now: Date,
): WebhookEvent[] {
  const timestamp = now.toISOString();
  const events: WebhookEvent[] = [
    {
      type: 'turn.handled',
      timestamp,
      data: {
        ...subject,
        turn: turn.number,
        messageId: turn.messageId,
        input: inputOf(turn.input),
        outcome: result.outcome,
        intent: result.understanding?.intent ?? null,
        replies: result.replies.map((r) => r.text),
        focus: result.threads.focus,
        activePath: result.activePath,
      },
    },
  ];
  for (const event of engineEvents(result)) {
    const { type, ...fields } = event;
    events.push({ type: type as WebhookEventType, timestamp, data: { ...fields, ...subject, turn: turn.number } });
  }
  return events;
}

/** What came in: a message's text, an event's type, or just the kind (a handoff given back). */
function inputOf(input: { kind: string; text?: string; event?: { type: string } }): Json {
  if (input.kind === 'message') return { kind: 'message', text: input.text ?? '' };
  if (input.kind === 'event') return { kind: 'event', type: input.event?.type ?? '' };
  return { kind: input.kind };
}

/** `TurnResult.events` where the engine gives them: plain JSON objects with a known `type`. */
function engineEvents(result: TurnResult): { type: string; [key: string]: Json }[] {
  // Read as unknown: whatever the engine reports, only events of the types above are passed on.
  const events: unknown = (result as unknown as { events?: unknown }).events;
  if (!Array.isArray(events)) return [];
  return (events as unknown[]).filter(
    (e: unknown): e is { type: string; [key: string]: Json } =>
      typeof e === 'object' && e !== null && typeof (e as { type?: unknown }).type === 'string' && ENGINE_EVENTS.has((e as { type: string }).type),
  );
}

/** A pushed reply the receiver confirmed (`transport`: how it went; `transcript`: no receiver, kept for reading). */
export function pushSent(
  subject: EventSubject,
  push: { messageId: string; text: string; choices?: readonly string[]; transport: 'channel' | 'callback' | 'transcript' },
  now: Date,
): WebhookEvent {
  return {
    type: 'push.sent',
    timestamp: now.toISOString(),
    data: {
      ...subject,
      messageId: push.messageId,
      text: push.text,
      ...(push.choices?.length ? { choices: [...push.choices] } : {}),
      transport: push.transport,
    },
  };
}

/** A delivery that was given up (dead letter). */
export function deadLettered(
  subject: EventSubject,
  delivery: { id: string; kind: string; target: string; messageId: string; attempts: number; error: string },
  now: Date,
): WebhookEvent {
  return {
    type: 'delivery.dead_lettered',
    timestamp: now.toISOString(),
    data: { ...subject, delivery: { ...delivery } },
  };
}

/** The body of a REST push (POSTed to the conversation's callback URL, signed like a webhook). */
export interface ReplyPushed {
  type: 'reply.pushed';
  timestamp: string;
  data: { [key: string]: Json };
}

export function replyPushed(subject: EventSubject, messageId: string, reply: { text: string; choices?: readonly string[] }, now: Date): ReplyPushed {
  return {
    type: 'reply.pushed',
    timestamp: now.toISOString(),
    data: { ...subject, messageId, reply: { type: 'text', text: reply.text, ...(reply.choices?.length ? { choices: [...reply.choices] } : {}) } },
  };
}
