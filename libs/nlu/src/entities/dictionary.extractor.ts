import { normalizeText } from '../text/text.normalizer';
import type { DictionaryEntityDef } from '../corpus/corpus.types';
import { PRIORITY, type EntityExtractor, type EntitySpan } from './entity.types';

interface Surface {
  surface: string;
  name: string;
  value: string;
  ascii: boolean;
}

const ASCII_WORD = /[a-z0-9]/;

/**
 * Finds every synonym of every dictionary entity (substring match for Chinese, whole words for Latin
 * script). Overlaps are resolved later, longest span first, so 不加冰 beats 加冰 and 猕猴桃 beats 桃.
 */
export class DictionaryExtractor implements EntityExtractor {
  private readonly byFirstChar = new Map<string, Surface[]>();

  constructor(entities: Record<string, DictionaryEntityDef>) {
    for (const [name, def] of Object.entries(entities)) {
      for (const [value, synonyms] of Object.entries(def.values)) {
        for (const raw of def.matchValues ? [value, ...synonyms] : synonyms) {
          const surface = normalizeText(raw.trim());
          if (!surface) continue;
          const first = surface[0] ?? '';
          const list = this.byFirstChar.get(first) ?? [];
          list.push({ surface, name, value, ascii: /^[\x20-\x7e]+$/.test(surface) });
          this.byFirstChar.set(first, list);
        }
      }
    }
  }

  extract(text: string): EntitySpan[] {
    const spans: EntitySpan[] = [];
    for (let i = 0; i < text.length; i++) {
      const candidates = this.byFirstChar.get(text[i] ?? '');
      if (!candidates) continue;
      for (const c of candidates) {
        if (!text.startsWith(c.surface, i)) continue;
        let end = i + c.surface.length;
        // English plurals: "margaritas" is still a margherita.
        if (c.ascii && text[end] === 's' && !ASCII_WORD.test(text[end + 1] ?? '')) end++;
        if (c.ascii && (ASCII_WORD.test(text[i - 1] ?? '') || ASCII_WORD.test(text[end] ?? ''))) continue;
        spans.push({ name: c.name, value: c.value, text: text.slice(i, end), start: i, end, priority: PRIORITY.corpus });
      }
    }
    return spans;
  }
}
