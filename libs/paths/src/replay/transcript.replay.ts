import type { BotDefinition, NluPort } from '@parley/dialogue-core';
import { SampledBot } from '../engine/service.sampler';
import type { PathEvent } from '../model/path.event';
import { resolvePathsConfig, type PathsConfig } from '../paths.config';
import type { PathTranscript, TranscriptTurn } from '../transcript/transcript.types';
import { PathReplayer } from './path.replayer';

/** Notes written from the graph at generation; a replay has no graph to compare with. */
const MODEL_NOTE = 'the graph expected ';

/**
 * Plays committed path transcripts through the real engine and NLU, on the bot as its author defined it (services
 * with samples answered by the samples the transcript names), and compares every turn.
 *
 * @example
 * const replay = new TranscriptReplay(juice, nlu, juicePaths);
 * const problem = await replay.play(file.now, file.paths[0]); // undefined when the bot still does exactly this
 */
export class TranscriptReplay {
  private readonly sampled: SampledBot;

  constructor(
    bot: BotDefinition,
    private readonly nlu: NluPort,
    private readonly config: PathsConfig = {},
  ) {
    this.sampled = new SampledBot(bot);
  }

  /** Replay one path with the file's clock; a description of the first difference, or undefined. */
  async play(now: string, path: PathTranscript): Promise<string | undefined> {
    const clock = new Date(now);
    const replayer = new PathReplayer(
      { bot: this.sampled, nlu: this.nlu, clock: { now: () => clock } },
      resolvePathsConfig({ ...this.config, now }),
    );
    const lines: string[] = [];
    for (const expected of path.turns) {
      const { turn } = await replayer.turn(eventOf(expected));
      const got = { ...turn, notes: turn.notes.filter((note) => !note.startsWith(MODEL_NOTE)) };
      const want = { ...expected, notes: expected.notes.filter((note) => !note.startsWith(MODEL_NOTE)) };
      lines.push(...show(got));
      const problem = difference(want, got);
      if (problem) {
        return `${path.title}: ${problem}\n\nconversation so far (as it went now):\n${lines.map((l) => `  ${l}`).join('\n')}`;
      }
    }
    return undefined;
  }
}

function eventOf(turn: TranscriptTurn): PathEvent {
  const services = turn.services.length ? { services: turn.services.map((call) => call.sample) } : {};
  return turn.input.kind === 'say'
    ? { type: 'say', text: turn.input.text, intent: null, ...services }
    : { type: 'event', event: turn.input.type, payload: turn.input.payload, ...services };
}

function show(turn: TranscriptTurn): string[] {
  return [
    turn.input.kind === 'say' ? `U: ${turn.input.text}` : `E: ${turn.input.type}`,
    ...turn.services.map((c) => `S: ${c.service} → ${c.sample}`),
    ...turn.replies.map((r) => `B: ${r}`),
    ...turn.notes.map((n) => `! ${n}`),
    `@ ${turn.state}`,
  ];
}

function difference(want: TranscriptTurn, got: TranscriptTurn): string | undefined {
  const said = want.input.kind === 'say' ? `«${want.input.text}»` : `[${want.input.type}]`;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(want.services, got.services)) {
    return `after ${said} the services were answered by ${JSON.stringify(got.services)}, expected ${JSON.stringify(want.services)}`;
  }
  if (!same(want.replies, got.replies)) {
    return `after ${said} the bot said\n${got.replies.map((r) => `    ${r}`).join('\n') || '    (nothing)'}\n  expected\n${want.replies.map((r) => `    ${r}`).join('\n') || '    (nothing)'}`;
  }
  if (want.state !== got.state) return `after ${said} the conversation is at «${got.state}», expected «${want.state}»`;
  if (!same(want.notes, got.notes))
    return `after ${said} the engine notes are ${JSON.stringify(got.notes)}, expected ${JSON.stringify(want.notes)}`;
  return undefined;
}
