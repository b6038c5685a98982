import { pushedTexts, replyLine } from './chat.transport';

describe('the terminal chat shows replies', () => {
  test('a reply with choices ends with them in brackets; one without is its text', () => {
    expect(replyLine({ text: '要加冰吗?', choices: ['加冰', '不加冰'] })).toBe('要加冰吗? [加冰 | 不加冰]');
    expect(replyLine({ text: '好的', choices: [] })).toBe('好的');
    expect(replyLine({ text: '好的' })).toBe('好的');
  });

  test('a pushed item: one reply (an outbox payload) or a turn’s replies, with their choices; anything else shows nothing', () => {
    expect(pushedTexts({ type: 'text', text: '您的果汁做好了' })).toEqual(['您的果汁做好了']);
    expect(pushedTexts({ type: 'text', text: '要办理吗?', choices: ['好的', '不用了'] })).toEqual(['要办理吗? [好的 | 不用了]']);
    expect(pushedTexts({ replies: [{ text: 'a' }, { text: 'b?', choices: ['x', 7] }, { nope: 1 }] })).toEqual(['a', 'b? [x]']);
    expect(pushedTexts(null)).toEqual([]);
    expect(pushedTexts({ text: 3 })).toEqual([]);
  });
});
