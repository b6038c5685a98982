import { PRIORITY, type EntityExtractor, type EntitySpan, type ExtractContext } from './entity.types';

const RELATIVE: [RegExp, number][] = [
  [/大后天/g, 3],
  [/后天/g, 2],
  [/明天|明日|明儿/g, 1],
  [/今天|今日|今儿/g, 0],
  [/大前天/g, -3],
  [/前天/g, -2],
  [/昨天|昨日/g, -1],
  [/\b(?:the )?day after tomorrow\b/g, 2],
  [/\btomorrow\b/g, 1],
  [/\btoday\b|\btonight\b/g, 0],
  [/\b(?:the )?day before yesterday\b/g, -2],
  [/\byesterday\b/g, -1],
];
const ZH_WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
const WEEKDAY_RE = /(下下|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天])/g;
const EN_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const EN_WEEKDAY_RE = new RegExp(`\\b(next |this )?(${EN_WEEKDAYS.join('|')})\\b`, 'g');

/**
 * One formatter per time zone: building an `Intl.DateTimeFormat` costs far more than using one (it was 13% of the
 * server's CPU when built per message). Time zones are a closed set (a few hundred names), so the map stays small.
 */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    // Throws RangeError for an unknown zone, before anything is kept.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format;
}

/** Today's calendar date in `timeZone`, as UTC midnight of that date (so day arithmetic is exact). */
export function localDay(now: Date, timeZone: string): Date {
  const parts = dayFormat(timeZone).formatToParts(now);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return new Date(Date.UTC(get('year'), get('month') - 1, get('day')));
}

export function isoDate(day: Date, offsetDays: number): string {
  return new Date(day.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Days from today to `weekday` (1 = Monday … 7 = Sunday): this week's or, with `weeksAhead`, a later one. */
function weekdayOffset(today: Date, weekday: number, weeksAhead: number | null): number {
  const current = today.getUTCDay() === 0 ? 7 : today.getUTCDay();
  if (weeksAhead === null) return (weekday - current + 7) % 7; // the next such day, today included
  return weeksAhead * 7 + weekday - current;
}

/**
 * Built-in `date`: 今天/明天/后天/大后天, 周五/下周一, today/tomorrow/next friday → ISO `YYYY-MM-DD`
 * in the conversation's time zone.
 */
export class DateExtractor implements EntityExtractor {
  extract(text: string, context: ExtractContext): EntitySpan[] {
    // Today's date only once a date word is found: most messages have none, and formatting the date is the costly part.
    let day: Date | undefined;
    const today = (): Date => (day ??= localDay(context.now, context.timeZone));
    const spans: EntitySpan[] = [];
    const push = (offset: number | ((today: Date) => number), start: number, matched: string): void => {
      spans.push({
        name: 'date', value: isoDate(today(), typeof offset === 'number' ? offset : offset(today())), text: matched, start, end: start + matched.length, priority: PRIORITY.date,
      });
    };
    for (const [re, offset] of RELATIVE) for (const m of text.matchAll(re)) push(offset, m.index, m[0]);
    for (const m of text.matchAll(WEEKDAY_RE)) {
      const weekday = ZH_WEEKDAY[m[2] ?? ''] ?? 1;
      const prefix = m[1];
      const weeks = prefix === undefined ? null : prefix.startsWith('下下') ? 2 : prefix.startsWith('下') ? 1 : 0;
      push((date) => weekdayOffset(date, weekday, weeks), m.index, m[0]);
    }
    for (const m of text.matchAll(EN_WEEKDAY_RE)) {
      const weekday = EN_WEEKDAYS.indexOf(m[2] ?? '') + 1;
      const weeks = m[1] === 'next ' ? 1 : m[1] === 'this ' ? 0 : null;
      push((date) => weekdayOffset(date, weekday, weeks), m.index, m[0]);
    }
    return spans;
  }
}
