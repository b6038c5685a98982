import { parseChineseNumeral } from './number.builtin';
import { PRIORITY, type EntityExtractor, type EntitySpan } from './entity.types';

const NUM = '(\\d+(?:\\.\\d+)?|[零〇一二两三四五六七八九十百千万]+)';
const PATTERNS: { re: RegExp; unit: 'CNY' | 'USD' }[] = [
  { re: new RegExp(`[¥￥]\\s*${NUM}`, 'g'), unit: 'CNY' },
  { re: new RegExp(`${NUM}\\s*(?:块钱|块|元钱|元|rmb\\b|yuan\\b|人民币)`, 'g'), unit: 'CNY' },
  { re: new RegExp(`\\$\\s*${NUM}`, 'g'), unit: 'USD' },
  { re: new RegExp(`${NUM}\\s*(?:美元|美金|dollars?\\b|bucks\\b|usd\\b)`, 'g'), unit: 'USD' },
];

function amount(raw: string): number | null {
  return /^\d/.test(raw) ? Number(raw) : parseChineseNumeral(raw);
}

/** Built-in `money`: 15元, 十五块, ¥12, $3, 3 dollars. Value is the amount; `unit` the currency. */
export class MoneyExtractor implements EntityExtractor {
  extract(text: string): EntitySpan[] {
    const spans: EntitySpan[] = [];
    for (const { re, unit } of PATTERNS) {
      for (const m of text.matchAll(re)) {
        const value = amount(m[1] ?? '');
        if (value === null) continue;
        spans.push({
          name: 'money', value, unit, text: m[0], start: m.index, end: m.index + m[0].length, priority: PRIORITY.money,
        } as EntitySpan);
      }
    }
    return spans;
  }
}
