import type { EscapeKind } from '@parley/dialogue-core';

/** The pseudo-context of the bot-wide intents and events declared in `defineBot`. */
export const BOT_LEVEL = '(bot)';

/** A stage of a context: every state node except history pseudo-states. */
export interface StageItem {
  /** `context.path.to.stage`, the XState state node id. */
  id: string;
  context: string;
  /** Dotted path inside the context. */
  stage: string;
  final: boolean;
  /** Declares a prompt (an `ask(...)`). */
  question: boolean;
  /** Waits for an external event (`yieldUntil(...)`). */
  yielding: boolean;
}

/** A transition the bot author wrote (not Parley's routing): counted by the coverage report. */
export interface TransitionItem {
  /** Stable id: `context|stage|event|index`. */
  id: string;
  context: string;
  /** Dotted stage path, '' for the context itself. */
  stage: string;
  /** Event type (`intent.deny`, `intent.*`, `always`, `xstate.done.actor.member`, `escape.cancel` …). */
  event: string;
  /** Set for escape handlers (`onCancel`, stage-level `onFailure` …). */
  escape?: EscapeKind;
  /** Readable: `order.askingIce: intent.deny #1 → next`. */
  label: string;
}

/** Everything a bot declares, read from its statecharts without running them. */
export interface BotInventory {
  /** Context keys, then `(bot)` when the bot declares bot-wide intents or events. */
  contexts: string[];
  stages: StageItem[];
  /** Authored transitions other than escape handlers. */
  transitions: TransitionItem[];
  /** Authored escape handlers. */
  escapes: TransitionItem[];
  /** State node ids (a context's own id for its top level) with an authored `intent.*` handler. */
  wildcardNodes: ReadonlySet<string>;
  /** External event types handled anywhere (without `ext.`). */
  externalEvents: string[];
}
