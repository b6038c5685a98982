import type { Corpus, DictionaryEntityDef, RegexEntityDef } from '../corpus/corpus.types';
import { DateExtractor } from './date.builtin';
import { DictionaryExtractor } from './dictionary.extractor';
import type { EntityExtractor, EntitySpan, ExtractContext } from './entity.types';
import { MoneyExtractor } from './money.builtin';
import { NumberExtractor } from './number.builtin';
import { RegexExtractor } from './regex.extractor';

/** Keeps non-overlapping spans, longest first, then by priority, then leftmost; returns them in text order. */
export function resolveOverlaps(spans: EntitySpan[]): EntitySpan[] {
  const sorted = [...spans].sort(
    (a, b) => b.end - b.start - (a.end - a.start) || b.priority - a.priority || a.start - b.start,
  );
  const kept: EntitySpan[] = [];
  for (const s of sorted) {
    if (kept.every((k) => s.end <= k.start || s.start >= k.end)) kept.push(s);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** All entity extractors of one bot: its dictionaries and regexes plus the built-ins it enables. */
export class EntityRecognizer {
  private readonly extractors: EntityExtractor[];

  constructor(corpus: Pick<Corpus, 'entities' | 'builtins'>) {
    const dictionaries: Record<string, DictionaryEntityDef> = {};
    const regexes: Record<string, RegexEntityDef> = {};
    for (const [name, def] of Object.entries(corpus.entities)) {
      if (def.kind === 'dictionary') dictionaries[name] = def;
      else regexes[name] = def;
    }
    this.extractors = [new DictionaryExtractor(dictionaries), new RegexExtractor(regexes)];
    if (corpus.builtins.includes('number')) this.extractors.push(new NumberExtractor());
    if (corpus.builtins.includes('money')) this.extractors.push(new MoneyExtractor());
    if (corpus.builtins.includes('date')) this.extractors.push(new DateExtractor());
  }

  /** `text` must be normalised (normalizeText); offsets are the same in the original. */
  recognize(text: string, context: ExtractContext): EntitySpan[] {
    return resolveOverlaps(this.extractors.flatMap((e) => e.extract(text, context)));
  }
}
