/**
 * Bot transcripts as data, run by two drivers: the engine (`converse`, in each bot's `*.transcripts.spec.ts`) and
 * HTTP on a real database (`test/e2e/bot-transcripts.e2e-spec.ts`). Each bot line lists phrases it must contain, in
 * order; `user` switches to another user of the same bot.
 */
export interface TranscriptTurn {
  user?: string;
  say: string;
  expect: (string | RegExp)[];
  expectNot?: string[];
}

export interface Transcript {
  name: string;
  turns: TranscriptTurn[];
}

/** A user line and the phrases the bot's answer must contain, in order. */
export const turn = (say: string, ...expect: (string | RegExp)[]): TranscriptTurn => ({ say, expect });

/** Check one bot turn's replies against a transcript line; returns a problem or undefined. */
export function checkTurn(turn: TranscriptTurn, replies: readonly string[]): string | undefined {
  const text = replies.join('\n');
  let from = 0;
  for (const pattern of turn.expect) {
    const rest = text.slice(from);
    const index = typeof pattern === 'string' ? rest.indexOf(pattern) : rest.search(pattern);
    if (index < 0) return `expected ${String(pattern)} (in order) after «${turn.say}», got:\n${text}`;
    from += index + (typeof pattern === 'string' ? pattern.length : (rest.match(pattern)?.[0].length ?? 0));
  }
  for (const phrase of turn.expectNot ?? []) {
    if (text.includes(phrase)) return `did not expect «${phrase}» after «${turn.say}», got:\n${text}`;
  }
  return undefined;
}

/**
 * Play a transcript through `say` (the engine, or HTTP), checking every bot turn; throws with the whole exchange so far.
 * `say(user, text)` returns the bot's replies to that user's line.
 */
export async function playTranscript(
  transcript: Transcript,
  say: (user: string, text: string) => Promise<readonly string[]>,
): Promise<void> {
  const lines: string[] = [];
  for (const turn of transcript.turns) {
    const user = turn.user ?? 'default';
    const replies = await say(user, turn.say);
    lines.push(`U(${user}): ${turn.say}`, ...replies.map((reply) => `B: ${reply}`));
    const problem = checkTurn(turn, replies);
    if (problem) throw new Error(`${problem}\n\ntranscript:\n${lines.join('\n')}`);
  }
}
