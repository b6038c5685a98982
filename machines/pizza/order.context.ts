import type { IntentEvent } from '@parley/dialogue-core';
import { address } from './address.context';
import { pizzaKit } from './kit';
import type { PizzaEntities } from './nlu/entities';

const SIZES = ['small', 'medium', 'large'] as const;
const PIZZAS = ['margherita', 'pepperoni', 'hawaiian', 'veggie'] as const;
const YES_NO = ['yes', 'no'];

interface PizzaOrder {
  size: (typeof SIZES)[number] | null;
  pizza: (typeof PIZZAS)[number] | null;
  address: string | null;
}

const { defineContext, ask, form, dependOn, confirm, remember, say, update, when, entity } =
  pizzaKit.context<PizzaOrder>();

const isSize = (value: PizzaEntities['size'] | undefined) => SIZES.find((size) => size === value);
const isPizza = (value: PizzaEntities['topping'] | undefined) => PIZZAS.find((pizza) => pizza === value);

/** The size and the pizza a message gives, on the menu. */
function slotsIn(event: IntentEvent | undefined): Partial<PizzaOrder> {
  if (!event) return {};
  const found: Partial<PizzaOrder> = {};
  const size = isSize(entity(event, 'size'));
  if (size) found.size = size;
  const pizza = isPizza(entity(event, 'topping'));
  if (pizza) found.pizza = pizza;
  return found;
}

/**
 * Ordering a pizza: size and pizza (a form) → delivery address (the nested `address` context) → confirm. A cancel is
 * intercepted: the order asks whether to really cancel, and "no" returns to the exact question it came from — also
 * inside the address, with the street kept.
 */
export const order = defineContext({
  id: 'order',
  description: 'Order a pizza for delivery.',
  memory: { pizzas: { scope: 'user', initial: { ordered: 0 } } },
  context: ({ input }) => ({
    size: null,
    pizza: null,
    address: null,
    ...slotsIn(input.trigger?.type.startsWith('intent.') ? (input.trigger as IntentEvent) : undefined),
  }),
  initial: 'choosing',
  stages: {
    choosing: form({
      slots: {
        size: { prompt: 'What size would you like: small, medium or large?', choices: SIZES, fill: (event) => isSize(entity(event, 'size')) },
        pizza: { prompt: 'Which pizza: margherita, pepperoni, hawaiian or veggie?', choices: PIZZAS, fill: (event) => isPizza(entity(event, 'topping')) },
      },
      changed: ({ to }) => `OK, ${to} it is.`,
      onDone: 'delivering',
    }),
    delivering: dependOn(address, {
      // "change my address" asks for a new one instead of offering the saved one
      input: ({ event }) => ({ change: event.type === 'intent.address.change' }),
      onDone: { done: { target: 'confirming', actions: update(({ event }) => ({ address: event.output.address })) } },
    }),
    confirming: ask({
      prompt: ({ context }) => `A ${context.size} ${context.pizza} to ${context.address}. Shall I place the order?`,
      choices: YES_NO,
      on: {
        'intent.affirm': 'placed',
        'intent.deny': { actions: say('No problem: tell me the size, the pizza, or "change my address".') },
        'intent.address.change': { target: 'delivering', actions: update({ address: null }) },
        'intent.*': {
          guard: when(({ event }) => Object.keys(slotsIn(event)).length > 0),
          target: 'confirming',
          reenter: true,
          actions: update(({ event }) => slotsIn(event)),
        },
      },
    }),
    placed: {
      type: 'final',
      entry: [
        say(({ context }) => `Your ${context.size} ${context.pizza} is on its way to ${context.address}!`),
        remember('pizzas', ({ memory }) => ({ ordered: (memory.pizzas?.ordered ?? 0) + 1 })),
      ],
      output: { status: 'done' },
    },
  },
  // "Are you sure?": nothing moves while it is asked; "no" asks the interrupted question again, however deep.
  onCancel: confirm({
    prompt: 'Do you really want to cancel your pizza order?',
    choices: YES_NO,
    yes: say('OK, your pizza order is cancelled.'),
    no: say("Good, let's carry on."),
  }),
});
