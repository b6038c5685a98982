import { isZhLocale } from './text.normalizer';

/** A word of the (normalised) utterance with its offsets. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

// ICU's word segmenter, part of Node: its Chinese dictionary is in Node's own ICU data, which every process maps from
// the same file. (jieba, used before, kept its dictionary in each process's own memory: ~50 MB per worker.)
let chinese: Intl.Segmenter | undefined;

function segmenter(): Intl.Segmenter {
  chinese ??= new Intl.Segmenter('zh', { granularity: 'word' });
  return chinese;
}

const WORD = /[\p{L}\p{N}]/u;

/**
 * Splits normalised text into words: ICU's dictionary-based word segmentation (`Intl.Segmenter`) for
 * Chinese locales, letters/digits runs for the others. Punctuation and spaces are dropped.
 */
export function tokenize(text: string, locale: string): Token[] {
  const tokens: Token[] = [];
  if (isZhLocale(locale)) {
    for (const { segment, index } of segmenter().segment(text)) {
      if (WORD.test(segment)) tokens.push({ text: segment, start: index, end: index + segment.length });
    }
    return tokens;
  }
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu)) {
    tokens.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

/** A light English stemmer (plural and -ing/-ed endings): enough for "pizzas" ≈ "pizza". */
export function stemEnglish(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
