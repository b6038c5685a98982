import type { BotDefinition } from '@parley/dialogue-core';
import type { TurnTrace } from '../engine/service.sampler';
import { NEW_CONVERSATION, PATH_IDS, step, type Conversation, type TurnEnvironment } from '../engine/turn.runner';
import type { PathEvent } from '../model/path.event';
import { identify } from '../model/state.identity';
import type { ResolvedPathsConfig } from '../paths.config';
import type { TranscriptTurn } from '../transcript/transcript.types';

/**
 * Plays paths through the real engine from a new conversation, one turn at a time, and writes down what happened:
 * the transcript turn (replies, service samples, the state after it, anything the engine did wrong) and the trace.
 */
export class PathReplayer {
  private conversation: Conversation = NEW_CONVERSATION;

  constructor(
    private readonly env: TurnEnvironment,
    private readonly config: ResolvedPathsConfig,
  ) {}

  get bot(): BotDefinition {
    return this.env.bot.original;
  }

  restart(): void {
    this.conversation = NEW_CONVERSATION;
  }

  /** One turn of the path; the state is identified as in the graph (`key`) and shown as its `label`. */
  async turn(event: PathEvent): Promise<{ turn: TranscriptTurn; key: string; trace: TurnTrace }> {
    const outcome = await step(this.env, this.conversation, event);
    this.conversation = outcome.next;
    const notes: string[] = [];
    if (outcome.error) notes.push(`the engine threw: ${outcome.error}`);
    const result = outcome.result;
    if (result?.reset) notes.push(`the conversation was reset: ${result.reset.reason}`);
    if (result && event.type === 'say' && result.replies.length === 0) notes.push('the bot said nothing');
    for (const problem of result?.problems ?? []) {
      if (problem.code !== 'SERVICE_FAILED') notes.push(problem.message);
    }
    const snapshot = this.conversation.state?.snapshot;
    const identity = snapshot
      ? identify(this.bot, snapshot, this.conversation.memory.view(this.bot, PATH_IDS), this.config)
      : undefined;
    const turn: TranscriptTurn = {
      input:
        event.type === 'say'
          ? { kind: 'say', text: event.text }
          : { kind: 'event', type: event.event, payload: event.payload },
      services: outcome.trace.calls.map(({ service, sample }) => ({ service, sample })),
      replies: result?.replies.map((reply) => reply.text) ?? [],
      state: identity?.label ?? '(new conversation)',
      notes,
    };
    return { turn, key: identity?.key ?? '', trace: outcome.trace };
  }
}
