import type { Json } from '@parley/dialogue-core';

/** One turn of a generated path: what came in, which samples answered the services, what the bot said, where it is. */
export interface TranscriptTurn {
  input: { kind: 'say'; text: string } | { kind: 'event'; type: string; payload: Record<string, Json> };
  /** Service calls in order: `forecast → sunny` (the sample that answered). */
  services: { service: string; sample: string }[];
  replies: string[];
  /** The state after the turn (`StateIdentity.label`). */
  state: string;
  /** Something the engine did wrong on this turn (it threw, it said nothing), or a state the model did not expect. */
  notes: string[];
}

export interface PathTranscript {
  title: string;
  /** What the path covers that the paths before it do not (stages, transitions): readable labels. */
  covers: string[];
  turns: TranscriptTurn[];
}

/** One committed file of `machines/<bot>/paths/`. */
export interface TranscriptFile {
  name: string;
  bot: string;
  /** The clock of every conversation in the file. */
  now: string;
  paths: PathTranscript[];
}
