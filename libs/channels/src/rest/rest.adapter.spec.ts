import { ChannelError } from '../channel.error';
import { RestChannelAdapter } from './rest.adapter';

const adapter = new RestChannelAdapter();
/** An array nested `levels` deep. */
const nest = (levels: number): unknown => Array.from({ length: levels - 1 }).reduce<unknown>((inner) => [inner], [1]);
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
    ['application/json', { userId: 'u', text: 'a\ud800' }, 'INVALID_REQUEST'],
    ['application/json', { userId: 'u', event: { type: 'x', deep: nest(64) } }, 'INVALID_REQUEST'],
  ])('%s %j → %s', (type, body, code) => {
    expect(() => adapter.parseInbound(type, body)).toThrow(ChannelError);
    try {
      adapter.parseInbound(type, body);
    } catch (error) {
      expect((error as ChannelError).code).toBe(code);
    }
  });

  test('nesting: 64 levels counting the body are accepted, 65 are not, and a very deep value is refused without recursion', () => {
    // body (1) → event (2) → deep (3…)
    expect(() => parse({ userId: 'u', event: { type: 'x', deep: nest(62) } })).not.toThrow();
    expect(() => parse({ userId: 'u', event: { type: 'x', deep: nest(63) } })).toThrow(/deeper than 64/);
    expect(() => parse({ userId: 'u', event: { type: 'x', deep: nest(100_000) } })).toThrow(/^'event.deep(\[0\])+' is nested deeper than 64 levels/);
  });

  test('surrogate pairs (emoji) are fine; a lone surrogate is named with its field', () => {
    expect(parse({ userId: 'u😀', text: '🍊' }).userId).toBe('u😀');
    expect(() => parse({ userId: 'u', event: { type: 'x', list: ['ok', 'b\udc00'] } })).toThrow("'event.list[1]' is not valid Unicode");
  });

  test('formats the response: a reply with choices carries them, one without has no choices field', () => {
    const replies = [
      { type: 'text' as const, text: 'hello' },
      { type: 'text' as const, text: '要加冰吗?', choices: ['加冰', '不加冰'] },
      { type: 'text' as const, text: 'bye', choices: [] },
    ];
    expect(JSON.stringify(adapter.formatOutbound('c1', 'm1', replies))).toBe(
      JSON.stringify({
        conversationId: 'c1',
        messageId: 'm1',
        replies: [
          { type: 'text', text: 'hello' },
          { type: 'text', text: '要加冰吗?', choices: ['加冰', '不加冰'] },
          { type: 'text', text: 'bye' },
        ],
      }),
    );
  });
});
