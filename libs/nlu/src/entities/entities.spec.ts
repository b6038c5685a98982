import { parseCorpus } from '../corpus/corpus.loader';
import { normalizeText } from '../text/text.normalizer';
import { EntityRecognizer } from './entity.recognizer';
import { parseChineseNumeral } from './number.builtin';

const corpus = parseCorpus('t', [
  {
    name: 'corpus.yaml',
    text: `
locale: zh-CN
builtins: [number, money, date]
intents: { a: [x], b: [y] }
entities:
  flavor:
    values:
      苹果: [苹果汁, apple]
      桃子: [桃, 桃汁]
      猕猴桃: [猕猴桃汁]
  ice:
    matchValues: false
    values:
      'yes': [加冰, 冰的]
      'no': [不加冰, 常温]
  city:
    values: { 长沙: [长沙市], 北京: [] }
  phone:
    regex: '(?<![0-9])1[3-9][0-9]{9}(?![0-9])'
`,
  },
]);
const recognizer = new EntityRecognizer(corpus);
// 2026-03-09T20:00Z is already 2026-03-10 (a Tuesday) in Shanghai.
const context = { locale: 'zh-CN', timeZone: 'Asia/Shanghai', now: new Date('2026-03-09T20:00:00Z') };

function found(text: string, ctx = context): string[] {
  return recognizer.recognize(normalizeText(text), ctx).map((e) => `${e.name}=${e.value}`);
}

describe('dictionary entities', () => {
  it('finds several entities in one utterance, with canonical values', () => {
    expect(found('我想要苹果汁, 常温哈')).toEqual(['flavor=苹果', 'ice=no']);
  });

  it('prefers the longest match', () => {
    expect(found('不加冰')).toEqual(['ice=no']);
    expect(found('加冰')).toEqual(['ice=yes']);
    expect(found('猕猴桃汁')).toEqual(['flavor=猕猴桃']);
  });

  it('matches Latin synonyms as whole words only', () => {
    expect(found('apple juice')).toEqual(['flavor=苹果']);
    expect(found('pineapple')).toEqual([]);
  });

  it('can leave canonical codes unmatched (ice "no" is not a synonym)', () => {
    expect(found('no')).toEqual([]);
  });

  it('does not take an unknown place for a city', () => {
    expect(found('火星明天天气怎么样')).toEqual(['date=2026-03-11']);
  });

  it('reports spans in the original text', () => {
    const [e] = recognizer.recognize(normalizeText('来杯ＡＰＰＬＥ'), context);
    expect(e).toMatchObject({ start: 2, end: 7, text: 'apple' });
  });
});

describe('regex entities', () => {
  it('finds an 11-digit mobile number and not a longer or shorter run of digits', () => {
    expect(found('我的手机号是13800138000')).toEqual(['phone=13800138000']);
    expect(found('138001380001')).toEqual(['number=138001380001']);
    expect(found('123')).toEqual(['number=123']);
  });
});

describe('built-in number', () => {
  it('parses Chinese numerals', () => {
    expect([parseChineseNumeral('十五'), parseChineseNumeral('二十三'), parseChineseNumeral('一百零五'), parseChineseNumeral('两千')]).toEqual([15, 23, 105, 2000]);
    expect(parseChineseNumeral('二三')).toBeNull();
  });

  it('finds Arabic and Chinese numbers, and 两 before a measure word', () => {
    expect(found('来3杯')).toEqual(['number=3']);
    expect(found('十五个')).toEqual(['number=15']);
    expect(found('来两杯苹果汁')).toEqual(['number=2', 'flavor=苹果']);
    expect(found('两')).toEqual(['number=2']);
  });

  it('does not read 一样, 一下 or 上一个 as numbers', () => {
    expect(found('和上次一样')).toEqual([]);
    expect(found('等一下')).toEqual([]);
    expect(found('回到上一个问题')).toEqual([]);
  });

  it('reads English number words', () => {
    expect(found('twenty-one and three')).toEqual(['number=21', 'number=3']);
  });
});

describe('built-in money', () => {
  it('finds amounts with their currency, instead of a bare number', () => {
    const spans = (t: string) => recognizer.recognize(normalizeText(t), context).map(({ name, value, unit }: any) => ({ name, value, unit }));
    expect(spans('付15元')).toEqual([{ name: 'money', value: 15, unit: 'CNY' }]);
    expect(spans('十五块')).toEqual([{ name: 'money', value: 15, unit: 'CNY' }]);
    expect(spans('¥12.5')).toEqual([{ name: 'money', value: 12.5, unit: 'CNY' }]);
    expect(spans('$3')).toEqual([{ name: 'money', value: 3, unit: 'USD' }]);
    expect(spans('3 dollars')).toEqual([{ name: 'money', value: 3, unit: 'USD' }]);
  });
});

describe('built-in date', () => {
  it('resolves relative days in the conversation time zone', () => {
    expect(found('今天')).toEqual(['date=2026-03-10']);
    expect(found('明天')).toEqual(['date=2026-03-11']);
    expect(found('后天')).toEqual(['date=2026-03-12']);
    expect(found('大后天')).toEqual(['date=2026-03-13']);
    // Same instant, but it is still the 9th in UTC.
    expect(found('明天', { ...context, timeZone: 'UTC' })).toEqual(['date=2026-03-10']);
  });

  it('understands English relative days and weekdays', () => {
    expect(found('tomorrow')).toEqual(['date=2026-03-11']);
    expect(found('the day after tomorrow')).toEqual(['date=2026-03-12']);
    expect(found('friday')).toEqual(['date=2026-03-13']);
    expect(found('next monday')).toEqual(['date=2026-03-16']);
  });

  it('understands 周X and 下周X', () => {
    expect(found('周六')).toEqual(['date=2026-03-14']);
    expect(found('下周一')).toEqual(['date=2026-03-16']);
  });

  it('builds one date formatter per time zone, not one per message, and keeps each zone its own', () => {
    const built = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      // Zones this file has not used yet: each costs one formatter, then none however many messages follow.
      const chatham = { ...context, timeZone: 'Pacific/Chatham' };
      const honolulu = { ...context, timeZone: 'Pacific/Honolulu' };
      for (let i = 0; i < 5; i++) {
        expect(found('明天', chatham)).toEqual(['date=2026-03-11']);
        expect(found('明天', honolulu)).toEqual(['date=2026-03-10']);
      }
      expect(built).toHaveBeenCalledTimes(2);
    } finally {
      built.mockRestore();
    }
  });
});
