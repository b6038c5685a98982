import { normalizeText } from './text.normalizer';
import { stemEnglish, tokenize } from './text.tokenizer';

describe('normalizeText', () => {
  it('folds full-width punctuation, digits and case without moving offsets', () => {
    const original = '我要１杯ＡＰＰＬＥ汁，谢谢？';
    const normalized = normalizeText(original);
    expect(normalized).toBe('我要1杯apple汁,谢谢?');
    expect(normalized).toHaveLength(original.length);
  });
});

describe('tokenize', () => {
  it("segments Chinese into words with ICU's dictionary and drops punctuation and spaces", () => {
    expect(tokenize('长沙明天天气怎么样', 'zh-CN').map((t) => t.text)).toEqual(['长沙', '明天', '天气', '怎么', '样']);
    expect(tokenize('我想要苹果汁, 常温哈', 'zh-CN').map((t) => t.text)).toEqual(['我', '想要', '苹果', '汁', '常温', '哈']);
  });

  it('gives offsets into the text', () => {
    const text = '继续买果汁';
    for (const t of tokenize(text, 'zh-CN')) expect(text.slice(t.start, t.end)).toBe(t.text);
  });

  it('splits English on letters and digits, keeping contractions', () => {
    expect(tokenize("i'd like 2 large pizzas!", 'en').map((t) => t.text)).toEqual(["i'd", 'like', '2', 'large', 'pizzas']);
  });

  it('stems English plurals and -ing', () => {
    expect(['pizzas', 'toppings', 'ordering', 'cheese', 'address'].map(stemEnglish)).toEqual([
      'pizza', 'topping', 'order', 'cheese', 'address',
    ]);
  });
});
