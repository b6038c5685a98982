/**
 * The shapes the Studio reads from the admin API (see apps/api/src/studio). Type-checked against what the server sends
 * by `test/contracts/page-wire-types.ts`.
 */
export interface StageDetails {
  context: string;
  stage: string;
  type: string;
  prompt?: string;
  dependOn?: string;
  result?: string;
  intents: { intent: string; guard: string; to: string | null; examples: string[] }[];
  events: { event: string; guard: string; to: string | null }[];
  escapes: { kind: string; at: string; to: string | null }[];
  contextIntents: string[];
  botIntents: string[];
}

export interface Coverage {
  bot: string;
  paths: number;
  stages: { covered: number; total: number };
  transitions: { covered: number; total: number };
  escapes: { covered: number; total: number };
  findings: { kind: string; context?: string; stage?: string; message: string }[];
}

export interface BotView {
  id: string;
  version: number;
  home: string;
  contexts: string[];
  intents: string[];
  stages: Record<string, StageDetails>;
  coverage: Coverage | null;
}

export interface Highlight {
  expand: string[];
  active: string[];
  running: string[];
  focus: string | null;
}

export interface TranscriptLine {
  seq: number;
  turn: number;
  direction: 'in' | 'out';
  kind: string;
  text: string;
  /** A reply's offered answers (`ask({ choices })`). */
  choices?: string[];
  at: string;
  state: {
    focus?: string;
    sleeping?: string[];
    yielding?: string[];
    blocking?: string[];
    activePath?: string[];
    outcome?: string;
    intent?: string | null;
  } | null;
}

export interface ConversationPage {
  conversation: {
    id: string;
    botId: string;
    userId: string;
    channel: string;
    turns: number;
    status: string;
    updatedAt: string;
    state: {
      threads: { focus: string; sleeping: string[]; yielding: string[]; blocking: string[] };
      activePath: string[];
      pendingQuestion?: string;
      /** The answers the pending question offers (buttons on channels that have them). */
      pendingChoices?: string[];
      /** Handed to a person (`handoff()`) until the admin API returns it. */
      held?: { reason?: string; since: string; thread: string };
      backSteps: number;
    } | null;
    memory: { scope: string; name: string; data: unknown }[];
    timers: { key: string | null; at: string }[];
  };
  highlight: Highlight | null;
  transcript: TranscriptLine[];
  turns: { turn: number; state: TranscriptLine['state']; highlight: Highlight | null }[];
}

export interface ConversationRow {
  id: string;
  botId: string;
  channel: string;
  userId: string;
  turns: number;
  status: string;
  updatedAt: string;
}
