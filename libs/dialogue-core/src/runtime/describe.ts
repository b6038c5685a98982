import type { AnyActorRef } from 'xstate';
import type { BotDefinition } from '../authoring/define-bot';
import type { ConversationState, ThreadsView } from '../types';
import { activePath, focusChain, pendingQuestion, threadsOf } from './inspect';
import { restoreProcess } from './restore';

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
  /** How many earlier steps "go back" can restore. */
  backSteps: number;
  tree: ActorNode;
  problem?: string;
}

/**
 * Describe a stored conversation without running a turn: the state tree, focus, stacks and pending question.
 * Nothing is executed (restoring runs no entry actions); the state is not changed.
 */
export function describeConversation(bot: BotDefinition, state: ConversationState): ConversationView {
  const restored = restoreProcess(bot, state);
  try {
    const ended = (state.snapshot as any)?.status === 'done';
    const chain = focusChain(restored.actor);
    return {
      bot: state.bot,
      version: state.version,
      turns: state.turns,
      status: restored.reset ? 'unrecoverable' : ended ? 'ended' : 'active',
      threads: threadsOf(restored.actor),
      activePath: activePath(restored.actor, chain),
      pendingQuestion: pendingQuestion(restored.actor, chain),
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
      node(child, (child as any).src && typeof (child as any).src === 'string' ? (child as any).src : id),
    ),
  };
}
