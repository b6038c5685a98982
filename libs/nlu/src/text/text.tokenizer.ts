import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { isZhLocale } from './text.normalizer';

/** A word of the (normalised) utterance with its offsets. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

let jieba: Jieba | undefined;

// Loading jieba's dictionary takes ~0.2 s, so it happens once per process and only for Chinese bots.
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const WORD = /[\p{L}\p{N}]/u;

/**
 * Splits normalised text into words: jieba (dictionary + DAG, no HMM so results are stable) for
 * Chinese locales, letters/digits runs for the others. Punctuation and spaces are dropped.
 */
export function tokenize(text: string, locale: string): Token[] {
  const tokens: Token[] = [];
  if (isZhLocale(locale)) {
    let offset = 0;
    for (const piece of segmenter().cut(text, false)) {
      const start = offset;
      offset += piece.length;
      if (WORD.test(piece)) tokens.push({ text: piece.trim(), start, end: offset });
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
