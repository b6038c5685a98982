import type { RegexEntityDef } from '../corpus/corpus.types';
import { PRIORITY, type EntityExtractor, type EntitySpan } from './entity.types';

/** Regex entities from the corpus (phone numbers, order ids …); applied to the normalised text. */
export class RegexExtractor implements EntityExtractor {
  private readonly rules: { name: string; re: RegExp }[];

  constructor(entities: Record<string, RegexEntityDef>) {
    this.rules = Object.entries(entities).flatMap(([name, def]) =>
      def.patterns.map((p) => ({ name, re: new RegExp(p, 'gu') })),
    );
  }

  extract(text: string): EntitySpan[] {
    const spans: EntitySpan[] = [];
    for (const { name, re } of this.rules) {
      for (const m of text.matchAll(re)) {
        if (m[0] === '') continue;
        spans.push({
          name, value: m.groups?.value ?? m[0], text: m[0], start: m.index, end: m.index + m[0].length, priority: PRIORITY.corpus,
        });
      }
    }
    return spans;
  }
}
