import type { InboundRequest, OutboundMessage } from '../channel.adapter';
import { ChannelError } from '../channel.error';
import { WebchatChannelAdapter, type WebchatMessage } from './webchat.adapter';
import { signWebchatToken } from './webchat.token';

const secret = 'a-web-chat-secret-of-at-least-32-chars';
const userId = 'wc_CCCCCCCCCCCCCCCCCCCCCC';
const token = signWebchatToken(secret, 'juice', userId);

function request(body: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }, method = 'POST'): InboundRequest {
  return { botId: 'juice', method, headers, query: {}, rawBody: Buffer.from(body), receivedAt: new Date() };
}

function refusal(run: () => unknown): ChannelError {
  try {
    run();
  } catch (error) {
    if (error instanceof ChannelError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('the web chat adapter', () => {
  const pushed: [string, WebchatMessage][] = [];
  const adapter = new WebchatChannelAdapter(secret, async (conversationId, message) => void pushed.push([conversationId, message]));

  test("a message becomes a turn of the token's user, answered in the response", () => {
    expect(adapter.parse(request('{"text":"我要橙汁","messageId":"m-1"}'))).toEqual({
      kind: 'turn',
      userId,
      messageId: 'm-1',
      input: { kind: 'message', text: '我要橙汁' },
      delivery: 'response',
    });
  });

  test('a message without an id gets one', () => {
    const action = adapter.parse(request('{"text":"hi"}'));
    expect(action.kind === 'turn' && action.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each([
    ['no token', request('{"text":"hi"}', {}), 'SIGNATURE_INVALID'],
    ['a forged token', request('{"text":"hi"}', { authorization: `Bearer ${token.slice(0, -3)}abc` }), 'SIGNATURE_INVALID'],
    ['bad JSON', request('{"text":'), 'INVALID_JSON'],
    ['an array', request('["hi"]'), 'INVALID_REQUEST'],
    ['no text', request('{}'), 'INVALID_REQUEST'],
    ['empty text', request('{"text":"  "}'), 'INVALID_REQUEST'],
    ['text that is not a string', request('{"text":42}'), 'INVALID_REQUEST'],
    ['text over 4096 characters', request(JSON.stringify({ text: 'x'.repeat(4097) })), 'TEXT_TOO_LONG'],
    ['an unknown field', request('{"text":"hi","userId":"someone-else"}'), 'INVALID_REQUEST'],
    ['a malformed message id', request('{"text":"hi","messageId":"a b"}'), 'INVALID_REQUEST'],
    ['a GET', request('', { authorization: `Bearer ${token}` }, 'GET'), 'INVALID_REQUEST'],
  ])('refused: %s', (_name, given, code) => {
    expect(refusal(() => adapter.parse(given)).code).toBe(code);
  });

  test('verify refuses a request without a valid token before anything is parsed', () => {
    expect(refusal(() => adapter.verify(request('not even json', { authorization: 'Bearer v1.x.y' }))).code).toBe('SIGNATURE_INVALID');
    expect(() => adapter.verify(request('not even json'))).not.toThrow();
  });

  test('the response lists the replies with their transcript ids and choices', () => {
    const turn = { kind: 'turn' as const, userId, messageId: 'm-7', input: { kind: 'message' as const, text: 'hi' }, delivery: 'response' as const };
    expect(
      adapter.respond(turn, [
        { type: 'text', text: '要哪种?', choices: ['苹果', '橙子'] },
        { type: 'text', text: '好的' },
      ]),
    ).toEqual({
      status: 200,
      body: {
        messageId: 'm-7',
        replies: [
          { messageId: 'm-7#1', from: 'bot', text: '要哪种?', choices: ['苹果', '橙子'] },
          { messageId: 'm-7#2', from: 'bot', text: '好的' },
        ],
      },
    });
  });

  test("deliver hands a pushed reply to the conversation's pages", async () => {
    const message: OutboundMessage = {
      botId: 'juice',
      channel: 'webchat',
      conversationId: 'juice-abc',
      userId,
      messageId: 'job-1#1',
      reply: { type: 'text', text: '您的果汁好了', choices: ['谢谢'] },
      attempt: 1,
    };
    await adapter.deliver(message);
    expect(pushed).toEqual([['juice-abc', { messageId: 'job-1#1', from: 'bot', text: '您的果汁好了', choices: ['谢谢'] }]]);
  });
});
