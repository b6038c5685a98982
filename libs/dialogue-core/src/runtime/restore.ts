import { createActor, type AnyActorRef } from 'xstate';
import type { BotDefinition, PersistedSnapshot } from '../authoring/define-bot';
import { UnrecoverableStateError } from '../errors';
import type { Json } from '../ports/memory.port';
import type { ConversationState } from '../types';
import { validateThreads, validateTree } from './inspect';

export interface Restored {
  actor: AnyActorRef;
  /** The snapshot the actor was restored from (or the fresh initial one). */
  snapshot: Json;
  history: Json[];
  reset?: { reason: string };
}

/**
 * Restore the process actor from a stored state: migrate it from older bot versions, start it, and check the tree.
 * A new conversation, an ended one (quit), or one that cannot be restored starts afresh; the last sets `reset`.
 */
export function restoreProcess(bot: BotDefinition, state: ConversationState | null): Restored {
  if (!state || (state.snapshot as any)?.status === 'done') return fresh(bot);
  let actor: AnyActorRef | undefined;
  try {
    const snapshot = migrate(bot, state.version, state.snapshot);
    const history: Json[] = [];
    for (const earlier of state.history ?? []) {
      try {
        history.push(migrate(bot, state.version, earlier));
      } catch {
        // An earlier step that cannot be migrated is only lost as a back-step target.
      }
    }
    actor = start(createActor(bot.process, { snapshot: snapshot as any }));
    const problems = [...validateTree(actor), ...validateThreads(actor)];
    if (problems.length > 0) {
      throw new UnrecoverableStateError(`Restored state is broken: ${problems.join('; ')}`, {
        bot: `${bot.id}@${bot.version}`,
      });
    }
    return { actor, snapshot, history };
  } catch (cause) {
    actor?.stop();
    const reason = cause instanceof Error ? cause.message : String(cause);
    return { ...fresh(bot), reset: { reason } };
  }
}

/** Run the bot's migrations from `fromVersion` up to the bot's version, JSON → JSON. */
export function migrate(bot: BotDefinition, fromVersion: number, snapshot: Json): Json {
  const where = { bot: `${bot.id}@${bot.version}` };
  if (!Number.isInteger(fromVersion) || fromVersion > bot.version) {
    throw new UnrecoverableStateError(
      `State of version ${fromVersion} is newer than the deployed bot (${bot.version}).`,
      where,
    );
  }
  let current = snapshot;
  for (let version = fromVersion + 1; version <= bot.version; version++) {
    const migration = bot.migrations[version];
    if (!migration) continue;
    try {
      current = migration(structuredClone(current) as PersistedSnapshot) as Json;
    } catch (cause) {
      throw new UnrecoverableStateError(`Migration to version ${version} failed.`, where, { cause });
    }
  }
  return current;
}

function fresh(bot: BotDefinition): Restored {
  const actor = start(createActor(bot.process));
  return { actor, snapshot: actor.getPersistedSnapshot() as unknown as Json, history: [] };
}

function start(actor: AnyActorRef): AnyActorRef {
  // An error observer keeps XState from rethrowing the root's errors globally; the turn inspects the status.
  actor.subscribe({ error: () => undefined });
  actor.start();
  return actor;
}
