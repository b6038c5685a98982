import type { Entity, NluPort, Understanding, UnderstandOptions } from '../ports/nlu.port';

export interface KeywordNluSpec {
  /** intent → keywords or patterns; the first intent (in declaration order) with a match wins, open intents first. */
  intents: Record<string, readonly (string | RegExp)[]>;
  /** entity → canonical value → synonyms; or a pattern whose whole match is the value. */
  entities?: Record<string, Record<string, readonly string[]> | RegExp>;
}

/**
 * A tiny deterministic intent matcher for tests and examples (the real NLU lives in `@parley/nlu`).
 * Intents match by substring or pattern; the intents open at the focused stage are preferred.
 *
 * @example
 * const nlu = keywordNlu({
 *   intents: { 'order.juice': ['买果汁'], affirm: ['好'] },
 *   entities: { flavor: { 苹果: ['苹果'], 橙子: ['橙子', '橙汁'] }, phone: /1\d{10}/ },
 * });
 */
export function keywordNlu(spec: KeywordNluSpec): NluPort {
  return {
    async understand(text: string, options: UnderstandOptions): Promise<Understanding> {
      const matches = Object.entries(spec.intents)
        .filter(([, keys]) => keys.some((key) => (typeof key === 'string' ? text.includes(key) : key.test(text))))
        .map(([intent]) => intent);
      const open = matches.filter((intent) => options.openIntents.includes(intent));
      const intent = open[0] ?? matches[0] ?? null;
      return {
        intent,
        confidence: intent ? 1 : 0,
        entities: findEntities(text, spec.entities ?? {}),
        alternatives: matches.filter((m) => m !== intent).map((m) => ({ intent: m, confidence: 0.5 })),
      };
    },
  };
}

function findEntities(text: string, specs: NonNullable<KeywordNluSpec['entities']>): Entity[] {
  const found: Entity[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (spec instanceof RegExp) {
      const match = new RegExp(spec.source, spec.flags.replace('g', '')).exec(text);
      if (match)
        found.push({ name, value: match[0], text: match[0], start: match.index, end: match.index + match[0].length });
      continue;
    }
    let best: Entity | undefined;
    for (const [value, synonyms] of Object.entries(spec)) {
      for (const synonym of [value, ...synonyms]) {
        const start = text.indexOf(synonym);
        if (start >= 0 && (!best || synonym.length > (best.text?.length ?? 0))) {
          best = { name, value, text: synonym, start, end: start + synonym.length };
        }
      }
    }
    if (best) found.push(best);
  }
  return found;
}
