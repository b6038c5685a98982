import { raise } from 'xstate';
import { DialogueError } from '../errors';
import { escapeKindOf, escapeSeen } from '../runtime/events';
import { currentTurn } from '../runtime/turn-scope';

/** Where a transition is written: the context and the stage path (`(context)` for the context's own `on`). */
export interface Where {
  context: string;
  stage: string;
}

/**
 * Count `transition` against the turn's bound on transitions (`TurnOptions.maxTransitions`). A statechart that never
 * settles (an `always` cycle whose guards always pass, an event that raises itself) would otherwise run until the
 * process is out of memory and take every conversation on the instance with it; over the bound, the action throws,
 * the context fails, and the failure is an escape like any other. The overrun is reported in `TurnResult.problems`.
 */
export function counted(transition: unknown, where: Where, first: readonly unknown[] = []): unknown {
  if (Array.isArray(transition)) return transition.map((t) => counted(t, where, first));
  const step = stepCounter(where);
  if (typeof transition === 'string') return { target: transition, actions: [step, ...first] };
  if (transition === undefined || transition === null || typeof transition !== 'object') return transition;
  const config = transition as { actions?: unknown };
  return { ...config, actions: [step, ...first, ...toList(config.actions)] };
}

/**
 * Every transition of an `on` map (or `always` list) counted; a transition for an escape also tells the turn this
 * context saw it (`TurnResult.events`).
 */
export function countedAll(on: Record<string, unknown>, where: Where): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [event, transition] of Object.entries(on)) {
    result[event] = counted(transition, where, event.startsWith('escape.') ? [escapeSeenAt(where.context)] : []);
  }
  return result;
}

function escapeSeenAt(context: string) {
  return function parleyEscapeSeen({ event }: { event: { type: string } }): void {
    const kind = escapeKindOf(event.type);
    if (kind) escapeSeen(context, kind);
  };
}

function stepCounter({ context, stage }: Where) {
  return function parleyStep(): void {
    const turn = currentTurn();
    if (++turn.steps <= turn.maxSteps) return;
    const message = `Context '${context}' took more than ${turn.stepLimit} transitions in one turn (stage '${stage}'): a loop that never settles, e.g. an \`always\` cycle whose guards always pass or an event that raises itself.`;
    turn.problems.push({ code: 'TURN_LOOP', context, stage, message });
    // The handlers of the failure get a budget of their own; a loop in them fails their context in turn.
    turn.maxSteps = turn.steps + turn.stepLimit;
    throw new DialogueError('TURN_LOOP', message, { context, state: `${context}.${stage}` });
  };
}

/**
 * An invoked actor's `onError`: a service that throws (`SERVICE_FAILED`) or a context that crashed
 * (`CONTEXT_FAILED`) is a failure escape at the context that invoked it, exactly like a service that takes too long —
 * that context's own `onFailure` runs first, then it bubbles. The problem is reported in `TurnResult.problems`.
 */
export function failureOnError(code: 'SERVICE_FAILED' | 'CONTEXT_FAILED', src: string, where: Where) {
  return [
    ({ event }: { event: { error?: unknown } }) => {
      const error = event.error;
      // A loop was reported where it happened; the failure of its context says nothing new.
      if (error instanceof DialogueError && error.code === 'TURN_LOOP') return;
      currentTurn().problems.push({
        code,
        context: where.context,
        stage: where.stage,
        message: `'${src}' failed: ${errorMessage(error)}`,
      });
    },
    raise(({ event }) => ({
      type: 'escape.failure',
      reason: `'${src}' failed: ${errorMessage((event as { error?: unknown }).error)}`,
    })),
  ];
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
