import { ChannelError } from '../channel.error';
import { RestChannelAdapter } from './rest.adapter';

const adapter = new RestChannelAdapter();
const parse = (body: unknown, type = 'application/json; charset=utf-8') => adapter.parseInbound(type, body);

describe('RestChannelAdapter', () => {
  test('a text message', () => {
    expect(parse({ userId: 'u1', messageId: 'm1', text: 'hi' })).toEqual({
      userId: 'u1',
      messageId: 'm1',
      messageIdGenerated: false,
      input: { kind: 'message', text: 'hi' },
    });
  });

  test('an event, with a generated message id', () => {
    const inbound = parse({ userId: 'u1', event: { type: 'payment.done', amount: 3 } });
    expect(inbound.input).toEqual({ kind: 'event', event: { type: 'payment.done', amount: 3 } });
    expect(inbound.messageIdGenerated).toBe(true);
    expect(inbound.messageId).toHaveLength(36);
  });

  test.each([
    ['text/plain', { userId: 'u', text: 'x' }, 'UNSUPPORTED_MEDIA_TYPE'],
    [undefined, { userId: 'u', text: 'x' }, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/json', [], 'INVALID_REQUEST'],
    ['application/json', { userId: 'u', text: 'x', extra: 1 }, 'INVALID_REQUEST'],
    ['application/json', { userId: 'u', text: 'x'.repeat(4097) }, 'TEXT_TOO_LONG'],
    ['application/json', { userId: 'u', event: { type: '1bad' } }, 'INVALID_REQUEST'],
    ['application/json', { userId: 'u', text: 'a\u0000b' }, 'INVALID_REQUEST'],
    ['application/json', { userId: 'u', event: { type: 'x', note: '\u0000' } }, 'INVALID_REQUEST'],
  ])('%s %j → %s', (type, body, code) => {
    expect(() => adapter.parseInbound(type, body)).toThrow(ChannelError);
    try {
      adapter.parseInbound(type, body);
    } catch (error) {
      expect((error as ChannelError).code).toBe(code);
    }
  });

  test('formats the response', () => {
    expect(adapter.formatOutbound('c1', 'm1', [{ type: 'text', text: 'hello' }])).toEqual({
      conversationId: 'c1',
      messageId: 'm1',
      replies: [{ type: 'text', text: 'hello' }],
    });
  });
});
