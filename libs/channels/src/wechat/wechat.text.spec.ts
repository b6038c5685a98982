import { replyText, splitText, WECHAT_TEXT_MAX_BYTES } from './wechat.text';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('WeChat text', () => {
  test('a text that fits is one message, unchanged', () => {
    const text = `${'橙'.repeat(682)}`; // 2046 bytes
    expect(splitText(text)).toEqual([text]);
  });

  test('2,000 Chinese characters become messages of at most 2048 bytes, cut after a sentence, nothing lost', () => {
    const sentence = '今天的果汁很新鲜, 欢迎品尝。'; // 15 characters
    const text = sentence.repeat(134).slice(0, 2000);
    const parts = splitText(text);
    expect(parts.length).toBe(3);
    for (const part of parts) expect(bytes(part)).toBeLessThanOrEqual(WECHAT_TEXT_MAX_BYTES);
    for (const part of parts.slice(0, -1)) expect(part.endsWith('。')).toBe(true);
    expect(parts.join('')).toBe(text.replace(/\s+/g, (s) => s)); // sentences end the parts: no characters dropped
    expect(parts.join('').length).toBe(text.length);
  });

  test('a paragraph break is preferred; emoji (with skin tones, ZWJ families) are never cut', () => {
    const paragraph = `${'a'.repeat(1500)}\n\n${'b'.repeat(1000)}`;
    expect(splitText(paragraph)).toEqual(['a'.repeat(1500), 'b'.repeat(1000)]);
    const emoji = '👨‍👩‍👧‍👦👍🏽'.repeat(200);
    const parts = splitText(emoji);
    expect(parts.join('')).toBe(emoji);
    for (const part of parts) {
      expect(bytes(part)).toBeLessThanOrEqual(WECHAT_TEXT_MAX_BYTES);
      expect(part.startsWith('👨')).toBe(true);
      expect(part.endsWith('🏽')).toBe(true);
    }
  });

  test('a text with no break at all is cut between characters', () => {
    const parts = splitText('x'.repeat(5000));
    expect(parts.map((p) => p.length)).toEqual([2048, 2048, 904]);
  });

  test('choices: tappable bizmsgmenu links (escaped), or a numbered list', () => {
    const reply = { type: 'text' as const, text: '要哪种?', choices: ['苹果', 'A&B "x"'] };
    expect(replyText(reply, 'list')).toBe('要哪种?\n1. 苹果\n2. A&B "x"');
    expect(replyText(reply, 'links')).toBe(
      '要哪种?\n<a href="weixin://bizmsgmenu?msgmenucontent=%E8%8B%B9%E6%9E%9C&msgmenuid=1">苹果</a>\n' +
        '<a href="weixin://bizmsgmenu?msgmenucontent=A%26B%20%22x%22&msgmenuid=2">A&amp;B &quot;x&quot;</a>',
    );
    expect(replyText({ type: 'text', text: 'plain' }, 'links')).toBe('plain');
  });
});
