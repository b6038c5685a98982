import { ask, confirm, defineContext, dependOn, entity, remember, say, update, when } from '@parley/dialogue-core';

const SIZES = ['small', 'medium', 'large'];
const PIZZAS = ['margherita', 'pepperoni', 'hawaiian', 'veggie'];

interface PizzaOrder {
  size: string | null;
  pizza: string | null;
  address: string | null;
}

function slots(event: any): Partial<PizzaOrder> {
  const found: Partial<PizzaOrder> = {};
  const size = entity(event, 'size');
  if (typeof size === 'string' && SIZES.includes(size)) found.size = size;
  const pizza = entity(event, 'topping');
  if (typeof pizza === 'string' && PIZZAS.includes(pizza)) found.pizza = pizza;
  return found;
}

const fill = update(({ event }) => slots(event));
const says = (key: keyof PizzaOrder) => when(({ event }) => slots(event)[key] !== undefined);

/**
 * Ordering a pizza: size → pizza → delivery address (the nested `address` context) → confirm. A cancel is
 * intercepted: the order asks whether to really cancel, and "no" returns to the exact question it came from — also
 * inside the address, with the street kept.
 */
export const order = defineContext({
  id: 'order',
  description: 'Order a pizza for delivery.',
  memory: { pizzas: { scope: 'user', initial: { ordered: 0 } } },
  context: ({ input }): PizzaOrder => ({ size: null, pizza: null, address: null, ...slots(input.trigger) }),
  initial: 'next',
  stages: {
    next: {
      always: [
        { guard: ({ context }: any) => !context.size, target: 'askingSize' },
        { guard: ({ context }: any) => !context.pizza, target: 'askingPizza' },
        { guard: ({ context }: any) => !context.address, target: 'delivering' },
        { target: 'confirming' },
      ],
    },
    askingSize: ask({
      prompt: 'What size would you like: small, medium or large?',
      on: { 'intent.*': { guard: says('size'), target: 'next', actions: fill } },
    }),
    askingPizza: ask({
      prompt: 'Which pizza: margherita, pepperoni, hawaiian or veggie?',
      on: { 'intent.*': { guard: says('pizza'), target: 'next', actions: fill } },
    }),
    delivering: dependOn('address', {
      // "change my address" asks for a new one instead of offering the saved one
      input: ({ event }) => ({ change: event.type === 'intent.address.change' }),
      onDone: { done: { target: 'next', actions: update(({ event }) => ({ address: event.output.address })) } },
    }),
    confirming: ask({
      prompt: ({ context }) => `A ${context.size} ${context.pizza} to ${context.address}. Shall I place the order?`,
      on: {
        'intent.affirm': 'placed',
        'intent.deny': { actions: say('No problem: tell me the size, the pizza, or "change my address".') },
        'intent.address.change': { target: 'delivering', actions: update({ address: null }) },
        'intent.*': {
          guard: when(({ event }) => Object.keys(slots(event)).length > 0),
          target: 'confirming',
          reenter: true,
          actions: fill,
        },
      },
    }),
    placed: {
      type: 'final',
      entry: [
        say(({ context }) => `Your ${context.size} ${context.pizza} is on its way to ${context.address}!`),
        remember('pizzas', ({ memory }) => ({
          ordered: ((memory.pizzas as { ordered?: number } | undefined)?.ordered ?? 0) + 1,
        })),
      ],
      output: { status: 'done' },
    },
  },
  // "Are you sure?": nothing moves while it is asked; "no" asks the interrupted question again, however deep.
  onCancel: confirm({
    prompt: 'Do you really want to cancel your pizza order?',
    yes: say('OK, your pizza order is cancelled.'),
    no: say("Good, let's carry on."),
  }),
});
