import type { Json, MemoryView } from '@parley/dialogue-core';

/**
 * What a bot may tell the path generator. Everything is optional: `npm run paths -- <bot>` works with none of it.
 *
 * @example
 * // machines/juice/juice.paths.ts
 * export const juicePaths: PathsConfig = {
 *   identity: {
 *     // three unknown flavors in a row cancel the order: the miss counter is part of the state
 *     contexts: { order: (data) => (data.misses > 0 ? { misses: data.misses } : undefined) },
 *     // a returning customer is asked other questions
 *     memory: (memory) => ({ returning: memory.customer?.orders > 0 }),
 *   },
 * };
 */
export interface PathsConfig {
  /**
   * Data that matters for the state identity. Two conversations are in the same state when every thread is at the
   * same stages, focus and stacks are the same, and these functions return the same JSON (`undefined` adds nothing).
   */
  identity?: {
    /** Per context key: the part of the context's own data that matters, e.g. a retry counter. */
    contexts?: Record<string, (data: Record<string, any>) => Json | undefined>;
    /** The part of user- and conversation-scoped memory that matters, e.g. "is a returning customer". */
    memory?: (memory: MemoryView) => Json | undefined;
  };
  /**
   * Sample payloads of external events, by event type (without `ext.`). Every external event a bot handles is sent
   * at every state, once per payload; an event with no samples is sent with no payload.
   */
  externalEvents?: Record<string, Record<string, Json>[]>;
  /** Longest conversation explored, in turns (default 10). States further away are "bounded out". */
  maxDepth?: number;
  /**
   * Most threads waiting in the stacks (sleeping, yielding, blocking) at a state that is explored further (default 1).
   * Every interleaving of every thread is a state of its own, so this bound is what keeps a bot with several
   * threads tractable; states past it are reached but not explored ("bounded out").
   */
  maxStacked?: number;
  /** Most states explored (default 3000). */
  maxStates?: number;
  /** Most paths generated (default 200). */
  maxPaths?: number;
  /** At most this many utterances per intent at a state, each with a different understanding (default 12). */
  examplesPerIntent?: number;
  /** The clock of every generated conversation (ISO-8601, default `2026-01-05T09:00:00.000Z`). */
  now?: string;
}

export interface ResolvedPathsConfig {
  identity: NonNullable<PathsConfig['identity']>;
  externalEvents: Record<string, Record<string, Json>[]>;
  maxDepth: number;
  maxStacked: number;
  maxStates: number;
  maxPaths: number;
  examplesPerIntent: number;
  now: string;
}

export const PATHS_DEFAULTS = {
  maxDepth: 10,
  maxStacked: 1,
  maxStates: 3000,
  maxPaths: 200,
  examplesPerIntent: 12,
  now: '2026-01-05T09:00:00.000Z',
} as const;

export function resolvePathsConfig(config: PathsConfig = {}): ResolvedPathsConfig {
  return {
    identity: config.identity ?? {},
    externalEvents: config.externalEvents ?? {},
    maxDepth: config.maxDepth ?? PATHS_DEFAULTS.maxDepth,
    maxStacked: config.maxStacked ?? PATHS_DEFAULTS.maxStacked,
    maxStates: config.maxStates ?? PATHS_DEFAULTS.maxStates,
    maxPaths: config.maxPaths ?? PATHS_DEFAULTS.maxPaths,
    examplesPerIntent: config.examplesPerIntent ?? PATHS_DEFAULTS.examplesPerIntent,
    now: config.now ?? PATHS_DEFAULTS.now,
  };
}
