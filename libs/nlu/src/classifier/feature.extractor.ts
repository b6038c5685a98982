import { isZhLocale } from '../text/text.normalizer';
import { stemEnglish, tokenize } from '../text/text.tokenizer';
import type { EntitySpan } from '../entities/entity.types';

/** Which features the classifier sees (kept selectable so docs/nlu.md can compare them). */
export type FeatureSet = 'chars' | 'words' | 'chars+words';

const LETTER = /[\p{L}\p{N}]/u;

/**
 * Turns a normalised utterance into sparse binary features. Entity spans are replaced by a
 * placeholder (<flavor>), so 来杯榴莲汁 looks like 来杯西瓜汁 and a bare 苹果 looks like any answer
 * that is only an entity (`inform`), whatever fruit the corpus happened to use.
 */
export function extractFeatures(text: string, spans: readonly EntitySpan[], locale: string, set: FeatureSet): string[] {
  const zh = isZhLocale(locale);
  const units: string[] = []; // characters and <entity> placeholders, for character n-grams
  const words: string[] = [];
  let rest = 0;
  let at = 0;
  const plain = (piece: string): void => {
    for (const ch of piece) {
      if (LETTER.test(ch)) {
        units.push(ch);
        rest++;
      } else if (!zh && units.length > 0 && units[units.length - 1] !== ' ') units.push(' ');
    }
    if (set !== 'chars') for (const t of tokenize(piece, locale)) words.push(zh ? t.text : stemEnglish(t.text));
  };
  for (const s of spans) {
    plain(text.slice(at, s.start));
    units.push(`<${s.name}>`);
    words.push(`<${s.name}>`);
    if (!zh) units.push(' ');
    at = s.end;
  }
  plain(text.slice(at));
  while (units[units.length - 1] === ' ') units.pop();

  const features = new Set<string>();
  if (set !== 'words') {
    const seq = ['^', ...units, '$'];
    const [min, max] = zh ? [1, 3] : [2, 4];
    for (let n = min; n <= max; n++) {
      for (let i = 0; i + n <= seq.length; i++) {
        const gram = seq.slice(i, i + n).join('');
        if (gram !== '^' && gram !== '$') features.add(`c:${gram}`);
      }
    }
  }
  if (set !== 'chars') {
    const seq = ['^', ...words, '$'];
    for (const w of words) features.add(`w:${w}`);
    for (let i = 0; i + 1 < seq.length; i++) features.add(`b:${seq[i]}|${seq[i + 1]}`);
  }
  for (const s of spans) features.add(`e:${s.name}`);
  // How much is said besides entities: separates a bare answer (inform) from a request.
  const bucket = rest === 0 ? '0' : rest <= 2 ? String(rest) : rest <= 4 ? '3-4' : rest <= 8 ? '5-8' : '9+';
  features.add(`rest:${bucket}`);
  if (spans.length > 0) features.add(`rest:${bucket}+entity`);
  return [...features];
}
