import { assign } from 'xstate';
import { currentTurn } from '../runtime/turn-scope';
import type { IntentEvent } from '../types';
import { dialogueArgs, type XStateArgs } from './args';
import type {
  DialogueArgs,
  DialogueEvent,
  Dynamic,
  EntityTypes,
  On,
  StageConfig,
  Transitions,
} from './authoring.types';
import type { MemoryView } from './memory';
import { ask } from './stages';

/** What a slot's `fill` sees besides the message. */
export interface SlotContext<TData, TMemory> {
  /** True when this slot's question is the one being asked (so a bare "yes" can mean this slot). */
  asked: boolean;
  context: TData;
  memory: TMemory;
}

/** One slot of a form: its question, and how to read its value from a message. */
export interface FormSlot<TData, TValue, TMemory = MemoryView> {
  prompt: Dynamic<string, TData, DialogueEvent, TMemory>;
  /** The answers the slot's question offers, shown as buttons where the channel has them (see `ask`'s `choices`). */
  choices?: Dynamic<readonly string[], TData, DialogueEvent, TMemory>;
  /** The slot's value in a message, or undefined when the message does not give it. */
  fill: (event: IntentEvent, slot: SlotContext<TData, TMemory>) => TValue | undefined;
  /**
   * More handlers while this slot's question is asked, consulted when the message fills no slot (e.g. a flavor that
   * is understood but not on the menu). Targets are other slots of the form, or the slot itself.
   */
  on?: On<TData>;
}

/** `form(...)`'s options. `TEntities` only types the kit's `entity` helper the fills use. */
export interface FormConfig<
  TData,
  K extends keyof TData & string,
  TMemory = MemoryView,
  _TEntities extends EntityTypes = EntityTypes,
> {
  /** The slots, asked in this order while missing (a slot is missing while its data field is null or undefined). */
  slots: { [P in K]: FormSlot<TData, NonNullable<TData[P]>, TMemory> };
  /** When every slot is filled. */
  onDone: Transitions<TData, DialogueEvent>;
  /** Said when a message changes a slot that was already filled, before the next question. */
  changed?: (args: DialogueArgs<TData, IntentEvent, TMemory> & ChangedSlot<TData, K>) => string;
}

export interface ChangedSlot<TData, K extends keyof TData> {
  slot: K;
  from: NonNullable<TData[K]>;
  to: NonNullable<TData[K]>;
}

/**
 * A slot-filling stage: it asks for each missing slot in order, takes every slot a message gives (said early, or in
 * answer to another question — then the question is asked again), acknowledges a slot that a later message changes,
 * and goes on (`onDone`) when all are filled. It is an ordinary compound stage: one question per slot (named after
 * the slot, e.g. `ordering.flavor`), a router `next`, and a final `filled`.
 *
 * @example
 * ordering: form({
 *   slots: {
 *     size: { prompt: 'Small or large?', choices: ['small', 'large'], fill: (event) => entity(event, 'size') },
 *     milk: { prompt: 'With milk?', fill: (event, { asked }) => (asked && event.intent === 'affirm' ? true : undefined) },
 *   },
 *   changed: ({ slot, to }) => `OK, ${slot}: ${String(to)}.`,
 *   onDone: 'confirming',
 * })
 */
export function form<TData, K extends keyof TData & string, TMemory = MemoryView>(
  config: FormConfig<TData, K, TMemory>,
): StageConfig<TData> {
  const names = Object.keys(config.slots) as K[];
  const slots = config.slots as Record<K, FormSlot<TData, unknown, TMemory>>;
  const missing = (value: unknown) => value === null || value === undefined;

  /** Every slot the message gives, by name (the asked one read with `asked: true`). */
  const found = (args: XStateArgs, asked: K): Partial<Record<K, unknown>> => {
    const { context, event, memory } = dialogueArgs<TData, IntentEvent, TMemory>(args);
    const values: Partial<Record<K, unknown>> = {};
    for (const name of names) {
      const value = slots[name].fill(event, { asked: name === asked, context, memory });
      if (value !== undefined) values[name] = value;
    }
    return values;
  };

  const fillFrom = (asked: K) => ({
    guard: (args: XStateArgs) => Object.keys(found(args, asked)).length > 0,
    target: 'next',
    actions: [
      ...(config.changed ? [acknowledge(asked)] : []),
      assign((args: XStateArgs) => found(args, asked) as Record<string, unknown>),
    ],
  });

  const acknowledge = (asked: K) => (args: XStateArgs) => {
    const dialogue = dialogueArgs<TData, IntentEvent, TMemory>(args);
    for (const [slot, to] of Object.entries(found(args, asked)) as [K, unknown][]) {
      const from = dialogue.context[slot];
      if (missing(from) || from === to) continue;
      currentTurn().emitted.push({ type: 'reply', text: config.changed!({ ...dialogue, slot, from: from as never, to: to as never }) });
    }
  };

  const states: Record<string, StageConfig<TData>> = {
    next: {
      always: [
        ...names.map((name) => ({
          guard: (args: XStateArgs) => missing((args.context as Record<string, unknown>)[name]),
          target: name,
        })),
        { target: 'filled' },
      ] as Transitions<TData>,
    },
    filled: { type: 'final' },
  };
  for (const name of names) {
    const extra = (slots[name].on ?? {}) as Record<string, unknown>;
    const on: Record<string, unknown> = { 'intent.*': [fillFrom(name), ...toList(extra['intent.*'])] };
    for (const [event, transitions] of Object.entries(extra)) {
      if (event === 'intent.*') continue;
      // A specific intent handled here still fills slots first.
      on[event] = event.startsWith('intent.') ? [fillFrom(name), ...toList(transitions)] : transitions;
    }
    const { prompt, choices } = slots[name];
    states[name] = ask<TData, TMemory>({ prompt, ...(choices !== undefined ? { choices } : {}), on: on as On<TData> });
  }
  return { initial: 'next', states, onDone: config.onDone };
}

function toList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
