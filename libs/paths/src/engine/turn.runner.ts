import {
  runTurn,
  type ClockPort,
  type ConversationState,
  type NluPort,
  type TurnInput,
  type TurnResult,
} from '@parley/dialogue-core';
import type { TracedBot, TurnTrace } from './service.sampler';
import type { PathEvent } from '../model/path.event';
import { PathMemory } from './path.memory';

/** The conversation every generated path is: one user, one conversation, memory that starts empty. */
export const PATH_IDS = { userId: 'path-user', conversationId: 'path-conversation' } as const;

/** A conversation between turns: the stored state (null before the first turn) and its memory. */
export interface Conversation {
  state: ConversationState | null;
  memory: PathMemory;
}

export const NEW_CONVERSATION: Conversation = { state: null, memory: PathMemory.empty() };

export interface StepOutcome {
  next: Conversation;
  result?: TurnResult;
  trace: TurnTrace;
  /** The engine threw (a defect: a turn never throws for anything a user or an author can cause). */
  error?: string;
}

export interface TurnEnvironment {
  bot: TracedBot;
  nlu: NluPort;
  clock: ClockPort;
}

export function inputOf(event: PathEvent): TurnInput {
  return event.type === 'say'
    ? { kind: 'message', text: event.text }
    : { kind: 'event', event: { ...event.payload, type: event.event } };
}

/** One real turn (`runTurn`, the real NLU) from `from`, the state stored through JSON as a host would. */
export async function step(env: TurnEnvironment, from: Conversation, event: PathEvent): Promise<StepOutcome> {
  const traced = env.bot;
  try {
    const { result, trace } = await traced.traced(
      () =>
        runTurn(
          traced.bot,
          { ...PATH_IDS, state: from.state, input: inputOf(event) },
          { memory: from.memory, nlu: env.nlu, clock: env.clock },
        ),
      event.services ?? [],
    );
    // Stored through JSON as a host stores it. The history holds earlier snapshots, which are JSON already.
    const state: ConversationState = { ...result.state, snapshot: JSON.parse(JSON.stringify(result.state.snapshot)) };
    return { next: { state, memory: from.memory.after(result.effects) }, result, trace };
  } catch (error) {
    return {
      next: from,
      trace: { entered: [], taken: [], calls: [] },
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}
