import { PRIORITY, type EntityExtractor, type EntitySpan } from './entity.types';

const ZH_DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const ZH_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** Parses 十五, 二十三, 一百零五, 两千, 三万五千 … (null if it is not a well-formed numeral). */
export function parseChineseNumeral(text: string): number | null {
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  for (const ch of text) {
    const d = ZH_DIGITS[ch];
    const u = ZH_UNITS[ch];
    if (d !== undefined) {
      if (digit !== null && digit !== 0 && d !== 0) return null; // "二三" is not a numeral
      digit = d;
    } else if (u === 10000) {
      total += (section + (digit ?? 0)) * u;
      section = 0;
      digit = null;
    } else if (u !== undefined) {
      section += (digit ?? 1) * u; // 十五: an implicit 一 before 十
      digit = null;
    } else return null;
  }
  return total + section + (digit ?? 0);
}

const EN_SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19, a: 1, an: 1, dozen: 12,
};
const EN_TENS: Record<string, number> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};

// A lone 一/两/三 is only a number before a measure word (一杯, 两个) or as the whole answer:
// otherwise 一样, 一下, 三亚 would all be numbers.
const MEASURE = '杯个份块元只位张瓶盒碗斤次天号岁件台本人';
const DEICTIC = '上下这那哪每同唯统';
const ZH_NUMERAL = /[零〇一二两三四五六七八九十百千万]+/g;
const ARABIC = /\d+(?:\.\d+)?/g;
const EN_WORDS = new RegExp(
  `\\b(?:(?:${Object.keys(EN_TENS).join('|')})(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?|` +
    `(?:${Object.keys(EN_SMALL).filter((w) => w !== 'a' && w !== 'an').join('|')}))\\b`,
  'g',
);

function enValue(words: string): number {
  let n = 0;
  for (const w of words.split(/[ -]/)) n += EN_TENS[w] ?? EN_SMALL[w] ?? 0;
  return n;
}

/** Built-in `number`: 3, 2.5, 十五, 两 (before a measure word), twenty-one. */
export class NumberExtractor implements EntityExtractor {
  extract(text: string): EntitySpan[] {
    const spans: EntitySpan[] = [];
    const push = (value: number, start: number, matched: string): void => {
      spans.push({ name: 'number', value, text: matched, start, end: start + matched.length, priority: PRIORITY.number });
    };
    for (const m of text.matchAll(ARABIC)) {
      const before = text[m.index - 1] ?? '';
      const after = text[m.index + m[0].length] ?? '';
      if (/[a-z]/.test(before) || /[a-z]/.test(after)) continue; // part of an identifier like "b12"
      push(Number(m[0]), m.index, m[0]);
    }
    for (const m of text.matchAll(ZH_NUMERAL)) {
      const value = parseChineseNumeral(m[0]);
      if (value === null) continue;
      if (m[0].length === 1) {
        const after = text[m.index + 1] ?? '';
        const before = text[m.index - 1] ?? '';
        const alone = text.replace(/[\s\p{P}]/gu, '') === m[0];
        // 上一个, 下一步, 这一杯 name a position, not a count.
        if (!alone && (!MEASURE.includes(after) || (before !== '' && DEICTIC.includes(before))) && before !== '第') continue;
      }
      push(value, m.index, m[0]);
    }
    for (const m of text.matchAll(EN_WORDS)) push(enValue(m[0]), m.index, m[0]);
    return spans;
  }
}
