import { raise, sendParent } from 'xstate';
import { escapeBubbled, escapeHeld, escapeStopped } from '../runtime/events';
import { record } from '../runtime/turn-scope';
import type { EscapeKind } from '../types';
import { resolve } from './args';
import type { Actions, ConfirmHandler, DialogueEvent, Dynamic } from './authoring.types';
import type { MemoryView } from './memory';

/** Key of the marker `confirm()` returns; `defineContext` expands it into the transitions below. */
const CONFIRM = 'parley.confirm';

export interface ConfirmSpec<TData = unknown, TMemory = MemoryView> {
  /** The question, e.g. 'Do you really want to cancel your order?'. */
  prompt: Dynamic<string, TData, DialogueEvent, TMemory>;
  /** The answers offered with the question, e.g. `['Yes', 'No']` (each must be understood as yes or no). */
  choices?: Dynamic<readonly string[], TData, DialogueEvent, TMemory>;
  /** Actions when the user confirms (then the escape goes on, announced by these actions). */
  yes?: Actions<TData>;
  /** Actions when the user says no (then the question that was interrupted is asked again). */
  no?: Actions<TData>;
}

export type { ConfirmHandler };

/**
 * An escape handler that asks the user to confirm before the escape goes on. Nothing moves while the question is
 * asked: every context of the thread stays where it was, with its data. "Yes" (or the same escape again) runs `yes`
 * and lets the escape go on; "no" runs `no` and asks the interrupted question again — the innermost one, however deep.
 * Anything else is "not understood" and the confirmation is asked again; "back" undoes the escape.
 *
 * @example
 * onCancel: confirm({
 *   prompt: 'Do you really want to cancel your pizza order?',
 *   yes: say('OK, your pizza order is cancelled.'),
 *   no: say("Good, let's carry on."),
 * })
 */
export function confirm<TData = unknown, TMemory = MemoryView>(
  spec: ConfirmSpec<TData, TMemory>,
): ConfirmHandler<TData> {
  return { [CONFIRM]: spec };
}

export function isConfirm(handler: unknown): handler is ConfirmHandler<unknown> {
  return typeof handler === 'object' && handler !== null && CONFIRM in handler;
}

/**
 * The transitions a `confirm()` handler stands for, at the level (context or stage) that intercepts `kind`:
 * the escape asks the process to hold the thread for a confirmation (`thread.confirm`, bubbling up like every thread
 * request); the process routes the answer back down the thread as `confirm.yes` / `confirm.no`, which bubbles up to
 * this level again.
 */
export function expandConfirm(
  kind: EscapeKind,
  handler: ConfirmHandler<unknown>,
): Record<string, Record<string, unknown>> {
  const { prompt, choices, yes, no } = handler[CONFIRM] as ConfirmSpec;
  const isKind = ({ event }: { event: { kind?: unknown } }) => event.kind === kind;
  const goesOn = ({ self }: { self: { id: string } }) => escapeBubbled(self.id, kind);
  const goOn =
    yes === undefined
      ? // Nothing said: the escape goes on unannounced, and the top of the thread says the default message.
        [goesOn, sendParent(({ self }) => ({ type: 'bubble', event: { type: `escape.${kind}` }, from: self.id }))]
      : [
          ...toList(yes),
          goesOn,
          sendParent(({ self }) => ({
            type: 'bubble',
            event: { type: `escape.${kind}`, announced: true },
            from: self.id,
          })),
        ];
  return {
    [`escape.${kind}`]: {
      actions: [
        () => escapeHeld(kind),
        raise((args) => ({
          type: 'thread.confirm',
          kind,
          prompt: resolve(prompt, args),
          ...(choices !== undefined ? { choices: [...resolve(choices, args)] } : {}),
        })),
      ],
    },
    'confirm.yes': { guard: isKind, actions: goOn },
    'confirm.no': {
      guard: isKind,
      actions: [
        ({ self }: { self: { id: string } }) => escapeStopped(self.id, kind),
        ...toList(no),
        record({ type: 'parley.reask' }),
      ],
    },
  };
}

function toList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
