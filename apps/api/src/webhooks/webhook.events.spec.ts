import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { TurnResult } from '@parley/dialogue-core';
import { deadLettered, pushSent, replyPushed, turnEvents } from './webhook.events';

const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(join(__dirname, '../../../../docs/webhooks.schema.json'), 'utf8')) as object,
);
const subject = { botId: 'juice', conversationId: 'juice-abc', channel: 'rest', userId: 'u1' };
const now = new Date('2026-12-02T08:00:00.000Z');

/** A turn's result as the engine gives it, with the events it reports (`TurnResult.events`). */
function result(events: unknown[]): TurnResult {
  return {
    replies: [{ type: 'text', text: '好的, 您的订单已取消。' }],
    outcome: 'handled',
    understanding: { intent: 'cancel', entities: [], confidence: 1 },
    threads: { focus: 'home', sleeping: [], yielding: [], blocking: [] },
    activePath: ['home.idle'],
    events,
  } as unknown as TurnResult;
}

describe('webhook events', () => {
  test("a turn's events: turn.handled, then what the engine reported, in order, each valid against the schema", () => {
    const events = turnEvents(
      subject,
      { number: 4, messageId: 'm-4', input: { kind: 'message', text: '取消' } },
      result([
        { type: 'escape', kind: 'cancel', context: 'order', handledBy: 'order' },
        { type: 'context.finished', context: 'order', thread: 'order', result: { status: 'cancelled' } },
        { type: 'handoff.requested', reason: 'asked for a person' },
        { type: 'handoff.returned' },
        { type: 'something.internal', detail: 1 },
      ]),
      now,
    );
    expect(events.map((e) => e.type)).toEqual(['turn.handled', 'escape', 'context.finished', 'handoff.requested', 'handoff.returned']);
    expect(events[2]).toEqual({
      type: 'context.finished',
      timestamp: '2026-12-02T08:00:00.000Z',
      data: { ...subject, turn: 4, context: 'order', thread: 'order', result: { status: 'cancelled' } },
    });
    for (const event of events) expect([event.type, validate(event), validate.errors]).toEqual([event.type, true, null]);
  });

  test('an event whose fields would overwrite the subject cannot: the subject wins', () => {
    const [, escape] = turnEvents(subject, { number: 1, messageId: 'm', input: { kind: 'handoff.return' } }, result([
      { type: 'escape', kind: 'quit', context: 'order', conversationId: 'someone-else' },
    ]), now);
    expect(escape!.data.conversationId).toBe('juice-abc');
  });

  test('push.sent, delivery.dead_lettered and a REST push are valid; a payload missing a field is not', () => {
    const payloads = [
      pushSent(subject, { messageId: 'm#1', text: 'hi', choices: ['yes', 'no'], transport: 'callback' }, now),
      deadLettered(subject, { id: 'x', kind: 'webhook', target: 'crm', messageId: 'm#1', attempts: 10, error: 'answered 500' }, now),
      replyPushed(subject, 'm#1', { text: 'hi' }, now),
    ];
    for (const payload of payloads) expect(validate(payload)).toBe(true);
    const { messageId: _dropped, ...withoutId } = payloads[0]!.data;
    expect(validate({ ...payloads[0], data: withoutId })).toBe(false);
    expect(validate({ ...payloads[0], type: 'push.lost' })).toBe(false);
  });
});
