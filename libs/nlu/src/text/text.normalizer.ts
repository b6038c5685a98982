/**
 * Folds full-width forms (，？１２ＡＢ) and case, one code point at a time so that every offset in the
 * normalised text is an offset in the original: entity `start`/`end` then point into what the user typed.
 */
export function normalizeText(text: string): string {
  let out = '';
  for (const ch of text) {
    const folded = ch.normalize('NFKC').toLowerCase();
    if (folded.length === ch.length) out += folded;
    else {
      const lower = ch.toLowerCase();
      out += lower.length === ch.length ? lower : ch;
    }
  }
  return out;
}

/** True for CJK ideographs: decides between Chinese segmentation and whitespace tokenisation. */
export function isCjk(ch: string): boolean {
  return /\p{Script=Han}/u.test(ch);
}

export function isZhLocale(locale: string): boolean {
  return /^zh\b/i.test(locale);
}
