import type { Entity } from './ports/nlu.port';
import type { Json } from './ports/memory.port';

/**
 * A message the bot sends. Channels map it to their own formats: `choices` (answers the stage offers) become quick
 * replies or buttons where the channel has them, and are simply left out where it has not.
 */
export interface Reply {
  type: 'text';
  text: string;
  choices?: readonly string[];
}

/**
 * A user utterance inside the statecharts, as `intent.<name>` (or `intent.none` when nothing was understood).
 * Stages react to it by type; `entities` carry the slots.
 */
export interface IntentEvent {
  type: `intent.${string}`;
  intent: string;
  text: string;
  entities: Entity[];
  confidence: number;
}

/** Escapes bubble from the innermost context up its thread (docs/design.md). */
export type EscapeKind = 'cancel' | 'reject' | 'failure' | 'quit';
export const ESCAPE_KINDS: readonly EscapeKind[] = ['cancel', 'reject', 'failure', 'quit'];

export interface EscapeEvent {
  type: `escape.${EscapeKind}`;
  reason?: string;
  text?: string;
}

/** An event from outside the conversation (a callback, a timer, a third-party signal), as `ext.<type>`. */
export interface ExternalEvent {
  type: `ext.${string}`;
  [key: string]: unknown;
}

/** A context's result, delivered to the caller's `onDone` (dependOn) as `event.output`. */
export interface ContextResult {
  status: 'done' | 'cancelled' | 'rejected' | 'failed';
  [key: string]: unknown;
}

/**
 * What happened in a turn that other systems may want to hear about (outbound webhooks, the Studio, analytics),
 * derived by the engine inside the turn, in the order it happened:
 * - `context.finished`: a context ended with its result — at a final stage (`finish(...)`), or its thread ended by an
 *   escape nobody stopped (`cancelled`, `rejected`, `failed`; a quit ends every task as `cancelled`). `thread` is the
 *   thread it ran in (the context key at its top).
 * - `escape`: an escape ended, in this turn: stopped by a context (`handledBy`), or at the top of its thread
 *   (no `handledBy`: the thread ended). `context` is where it started.
 * - `handoff.requested` / `handoff.returned`: the conversation was handed to a human, and given back to the bot.
 */
export type ConversationEvent =
  | { type: 'context.finished'; context: string; thread?: string; result: ContextResult }
  | { type: 'escape'; kind: EscapeKind; context: string; handledBy?: string }
  | { type: 'handoff.requested'; reason?: string }
  | { type: 'handoff.returned' };

/** What must happen after the turn commits. The engine never does I/O itself. */
export type Effect =
  | { type: 'memory.write'; scope: string; name: string; data: Json }
  /** Deliver `event` to this conversation later (durable timer). */
  | { type: 'schedule'; at: string; event: { type: string; [key: string]: unknown }; key?: string }
  /** Call a third-party service after commit (fire and forget, at least once). */
  | { type: 'call'; service: string; input: Json };

/** The turn's input: a user message (maybe already understood) or an external event. */
export type TurnInput =
  | {
      kind: 'message';
      text: string;
      /** Already understood? Leave undefined to let the engine call the NLU port with the open intents. */
      intent?: string | null;
      entities?: Entity[];
      confidence?: number;
    }
  | { kind: 'event'; event: { type: string; [key: string]: unknown } }
  /** A human gives the conversation back to the bot after a handoff (the admin API). */
  | { kind: 'handoff.return' };

/** A conversation handed off to a human (`handoff()`): the bot stays silent until it is returned. */
export interface Held {
  reason?: string;
  /** When the handoff was requested (ISO 8601, from the turn's clock). */
  since: string;
  /** The thread whose stage asked for it. */
  thread: string;
}

/** Persisted state of one conversation: plain JSON, stored by the host between turns. */
export interface ConversationState {
  bot: string;
  version: number;
  /** XState persisted snapshot of the bot's process actor (the whole tree). */
  snapshot: Json;
  /** Earlier snapshots for "go back one step", oldest first, at most `backDepth`. */
  history: Json[];
  /** Number of turns taken so far. */
  turns: number;
}

/** The threads of a conversation, for the inspector, the trace and the admin API. */
export interface ThreadsView {
  focus: string;
  sleeping: string[];
  yielding: string[];
  blocking: string[];
}

/**
 * Something that went wrong inside a turn and became a failure escape instead of a crash: a context that threw
 * (`CONTEXT_FAILED`), a service that threw or took too long (`SERVICE_FAILED`), a statechart that did not settle
 * (`TURN_LOOP`). The conversation goes on; the host logs these with the conversation's id.
 */
export interface TurnProblem {
  code: 'TURN_LOOP' | 'CONTEXT_FAILED' | 'SERVICE_FAILED';
  /** Context key, and the stage where it happened when known. */
  context?: string;
  stage?: string;
  message: string;
}

/**
 * A turn's input that is not a message, as the transcript records it: the external event, or `{ type:
 * 'handoff.return' }` for a conversation a human gave back.
 */
export function inboundEvent(input: Exclude<TurnInput, { kind: 'message' }>): { type: string; [key: string]: Json } {
  return input.kind === 'event' ? (input.event as { type: string; [key: string]: Json }) : { type: 'handoff.return' };
}
