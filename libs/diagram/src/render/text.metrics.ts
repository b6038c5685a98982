/** Font sizes of the drawing (px); the SVG's style uses the same. */
export const FONT = { stage: 12, prompt: 10.5, title: 12, edge: 10, lines: 10.5 } as const;

/**
 * Width of a text in px, estimated without a browser: wide (CJK, full-width) characters take one em, others about
 * 0.6 em. Boxes sized this way hold their labels in common sans-serif fonts; exact fit does not matter.
 */
export function textWidth(text: string, size: number): number {
  let ems = 0;
  for (const ch of text) ems += isWide(ch.codePointAt(0) ?? 0) ? 1 : 0.6;
  return Math.ceil(ems * size);
}

/** Cut a text to at most `max` em-widths, with an ellipsis. */
export function truncate(text: string, maxEms: number): string {
  let ems = 0;
  let out = '';
  for (const ch of text) {
    ems += isWide(ch.codePointAt(0) ?? 0) ? 1 : 0.6;
    if (ems > maxEms) return `${out}…`;
    out += ch;
  }
  return out;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x1f300
  );
}
