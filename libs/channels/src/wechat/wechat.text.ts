import type { Reply } from '@parley/dialogue-core';

/**
 * The most a WeChat text message may hold, in UTF-8 bytes. WeChat's reference does not state it; its API refuses
 * longer customer-service texts (errcode 45002) and clients cut longer passive replies, at 2048 bytes: about 680
 * Chinese characters, or 2048 Latin letters.
 */
export const WECHAT_TEXT_MAX_BYTES = 2048;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * A reply as WeChat text: the text, then its choices, as tappable links (`weixin://bizmsgmenu`: a tap sends the
 * choice back as the user's message) or as a numbered list.
 */
export function replyText(reply: Reply, style: 'links' | 'list'): string {
  const choices = reply.choices ?? [];
  if (choices.length === 0) return reply.text;
  const lines = choices.map((choice, i) =>
    style === 'links'
      ? `<a href="weixin://bizmsgmenu?msgmenucontent=${encodeURIComponent(choice)}&msgmenuid=${i + 1}">${escapeHtml(choice)}</a>`
      : `${i + 1}. ${choice}`,
  );
  return `${reply.text}\n${lines.join('\n')}`;
}

/**
 * Cut a text into messages of at most `maxBytes` UTF-8 bytes each: at a paragraph or line break when there is one in
 * the second half of a part, else after a sentence's end (。！？.!?), else at a space or comma, else between two
 * characters. Never inside a character (emoji and their modifiers stay whole).
 */
export function splitText(text: string, maxBytes = WECHAT_TEXT_MAX_BYTES): string[] {
  if (bytes(text) <= maxBytes) return [text];
  const parts: string[] = [];
  let rest = text;
  while (bytes(rest) > maxBytes) {
    const graphemes = [...segmenter.segment(rest)].map((s) => s.segment);
    // The longest prefix that fits, in whole graphemes.
    let size = 0;
    let fit = 0;
    while (fit < graphemes.length && size + bytes(graphemes[fit]!) <= maxBytes) size += bytes(graphemes[fit++]!);
    if (fit === 0) fit = 1; // one grapheme longer than a message (never in practice): send it alone
    const head = graphemes.slice(0, fit);
    const cut = breakPoint(head);
    parts.push(head.slice(0, cut).join('').trimEnd());
    rest = graphemes.slice(cut).join('').trimStart();
  }
  if (rest !== '') parts.push(rest);
  return parts.filter((part) => part !== '');
}

/** Where to end a part made of `head`'s graphemes: just after the best break in its second half, else at its end. */
function breakPoint(head: readonly string[]): number {
  const half = Math.floor(head.length / 2);
  for (const breaks of [/^\n$/, /^[。！？!?.；;]$/, /^[\s,，、]$/]) {
    for (let i = head.length - 1; i >= half; i--) if (breaks.test(head[i]!)) return i + 1;
  }
  return head.length;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
