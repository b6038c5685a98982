import type { AnyActorRef } from 'xstate';
import type { BotDefinition } from '../authoring/define-bot';
import type { ConversationState, Held, ThreadsView } from '../types';
import type { ProcessContext } from './threads';
import { activePath, focusChain, pendingReply, threadsOf } from './inspect';
import { systemClock, type ClockPort } from '../ports/clock.port';
import type { Json } from '../ports/memory.port';
import { restoreProcess } from './restore';
import { createTurnScope, runInTurnScope } from './turn-scope';
import { sourceKeyOf } from './xstate.seam';

/** One actor of the conversation tree, for the admin API and the inspector. */
export interface ActorNode {
  id: string;
  /** Context key (or actor source) of this actor. */
  src: string;
  status: string;
  value: unknown;
  context: unknown;
  children: ActorNode[];
}

export interface ConversationView {
  bot: string;
  version: number;
  turns: number;
  status: 'active' | 'ended' | 'unrecoverable';
  threads: ThreadsView;
  activePath: string[];
  pendingQuestion?: string;
  /** The answers the pending question offers (`ask({ choices })`): a web chat shows them again after a reload. */
  pendingChoices?: readonly string[];
  /** Set while a human holds the conversation (`handoff()`), until it is returned to the bot. */
  held?: Held;
  /** How many earlier steps "go back" can restore. */
  backSteps: number;
  tree: ActorNode;
  problem?: string;
}

export interface DescribeOptions {
  conversationId?: string;
  userId?: string;
  /** User- and conversation-scoped memory, by name, for prompts that read it. */
  memory?: Record<string, Json | undefined>;
  clock?: ClockPort;
}

/**
 * Describe a stored conversation without running a turn: the state tree, focus, stacks and pending question.
 * Nothing is executed (restoring runs no entry actions); the state is not changed.
 */
export function describeConversation(
  bot: BotDefinition,
  state: ConversationState,
  options: DescribeOptions = {},
): ConversationView {
  // Prompts may read memory and the clock: they are resolved in a scope of their own, whose writes go nowhere.
  const scope = createTurnScope({
    conversationId: options.conversationId ?? 'described',
    userId: options.userId ?? 'described',
    catalog: bot.catalog,
    view: { ...(options.memory ?? {}) },
    memoryPort: { read: async (addresses) => addresses.map(() => undefined) },
    clock: options.clock ?? systemClock,
    services: {},
  });
  return runInTurnScope(scope, () => describeIn(bot, state));
}

function describeIn(bot: BotDefinition, state: ConversationState): ConversationView {
  const restored = restoreProcess(bot, state);
  try {
    const ended = (state.snapshot as any)?.status === 'done';
    const chain = focusChain(restored.actor);
    const question = pendingReply(restored.actor, chain);
    const held = ended ? undefined : (restored.actor.getSnapshot().context as ProcessContext | undefined)?.handoff;
    return {
      bot: state.bot,
      version: state.version,
      turns: state.turns,
      status: restored.reset ? 'unrecoverable' : ended ? 'ended' : 'active',
      threads: threadsOf(restored.actor),
      activePath: activePath(restored.actor, chain),
      pendingQuestion: question?.text,
      ...(question?.choices ? { pendingChoices: question.choices } : {}),
      ...(held ? { held } : {}),
      backSteps: restored.history.length,
      tree: node(restored.actor, 'process'),
      problem: restored.reset?.reason,
    };
  } finally {
    restored.actor.stop();
  }
}

function node(actor: AnyActorRef, src: string): ActorNode {
  const snapshot: any = actor.getSnapshot();
  return {
    id: actor.id,
    src,
    status: snapshot.status,
    value: snapshot.value,
    context: snapshot.context,
    children: Object.entries<AnyActorRef>(snapshot.children ?? {}).map(([id, child]) =>
      node(child, sourceKeyOf(child) ?? id),
    ),
  };
}
