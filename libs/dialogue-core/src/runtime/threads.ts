import type { Held, ThreadsView } from '../types';

/**
 * Pure stack operations on the process context. Exactly one thread has focus; the others wait on the
 * sleeping (user-driven), yielding (waiting for an external result) or blocking (bot-initiated) stacks.
 * The home context is the floor: it never sleeps, it is where focus lands when nothing else waits.
 */
export interface ProcessContext extends ThreadsView {
  home: string;
  /** A thread held for a yes/no confirmation of an escape (`confirm()`): its pending question is `prompt`. */
  confirming?: Confirming | null;
  /** Handed off to a human (`handoff()`): user messages are recorded but nothing reacts until it is returned. */
  handoff?: Held | null;
}

export interface Confirming {
  thread: string;
  kind: string;
  prompt: string;
  /** The answers offered with the prompt (`confirm({ choices })`). */
  choices?: string[];
}

function without(list: readonly string[], thread: string): string[] {
  return list.filter((t) => t !== thread);
}

function detach(ctx: ProcessContext, thread: string): ProcessContext {
  return {
    ...ctx,
    sleeping: without(ctx.sleeping, thread),
    yielding: without(ctx.yielding, thread),
    blocking: without(ctx.blocking, thread),
  };
}

/** The focused thread goes to sleep (unless it is home) and `thread` takes focus. */
export function focusOn(ctx: ProcessContext, thread: string, sleepCurrent = true): ProcessContext {
  const next = detach(ctx, thread);
  const current = ctx.focus;
  const sleeping =
    sleepCurrent && current !== ctx.home && current !== thread
      ? [...without(next.sleeping, current), current]
      : next.sleeping;
  return { ...next, sleeping, focus: thread };
}

/** `thread` is gone: drop it everywhere; if it had focus, the most recent sleeper (else home) gets it. */
export function dropThread(ctx: ProcessContext, thread: string): ProcessContext {
  const next = detach(ctx, thread);
  if (next.confirming?.thread === thread) next.confirming = null;
  if (ctx.focus !== thread) return next;
  const sleeping = [...next.sleeping];
  const focus = sleeping.pop() ?? ctx.home;
  return { ...next, sleeping, focus };
}

/** `thread` waits for an external result: it leaves focus (falling back as if it ended) and goes on `yielding`. */
export function yieldThread(ctx: ProcessContext, thread: string): ProcessContext {
  const next = dropThread(ctx, thread);
  return { ...next, yielding: [...next.yielding, thread] };
}

/** A yielding thread got its result and still runs: it waits on `blocking` to take focus at the next message. */
export function resumeThread(ctx: ProcessContext, thread: string): ProcessContext {
  const next = detach(ctx, thread);
  if (ctx.focus === thread) return next;
  return { ...next, blocking: [...next.blocking, thread] };
}

/** Put `thread` on the blocking stack (not focused). */
export function blockThreadOn(ctx: ProcessContext, thread: string): ProcessContext {
  if (ctx.focus === thread) return ctx;
  const next = detach(ctx, thread);
  return { ...next, blocking: [...next.blocking, thread] };
}

/** At a user message: the top blocking thread takes focus, the focused one sleeps. */
export function preempt(ctx: ProcessContext): ProcessContext {
  const top = ctx.blocking[ctx.blocking.length - 1];
  return top === undefined ? ctx : focusOn(ctx, top);
}

/**
 * `from` is replaced by `thread` (`replaceTo`): `from` ends and nothing falls back in between; `thread` takes its
 * place — the focus if `from` had it, else the blocking stack (it takes focus at the next message). The other stacks
 * are untouched: a thread asleep under `from` stays asleep and wakes when `thread` ends.
 */
export function replaceThread(ctx: ProcessContext, from: string, thread: string): ProcessContext {
  const next = detach(detach(ctx, thread), from);
  if (next.confirming?.thread === from) next.confirming = null;
  if (ctx.focus === from) return { ...next, focus: thread };
  return { ...next, blocking: [...next.blocking, thread] };
}

/** True when a task other than home runs: focused, asleep, waiting for a result or about to take focus. */
export function hasTasks(ctx: ProcessContext): boolean {
  return ctx.focus !== ctx.home || ctx.sleeping.length + ctx.yielding.length + ctx.blocking.length > 0;
}
