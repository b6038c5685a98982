import type { IntentEvent } from '@parley/dialogue-core';
import { pizzaKit, type PizzaMemory } from './kit';

interface AddressData {
  street: string | null;
  /** Asked to change the address («change my address»): the saved one is not offered. */
  change: boolean;
}

export interface AddressResult {
  address: string | null;
}

const { defineContext, ask, finish, remember, say, update } = pizzaKit.context<AddressData, AddressResult>();

const savedOf = (memory: Partial<PizzaMemory>): string | null => memory.addresses?.saved ?? null;
const street = ({ event }: { event: IntentEvent }) => ({ street: event.text.trim() });

/**
 * The delivery address: a nested sub-dialogue of `order` (and a thread of its own: "change my address").
 * Remembers the last address per user. A cancel in here keeps the saved address if there is one; otherwise it is
 * not intercepted and goes on to the order.
 */
export const address = defineContext({
  id: 'address',
  description: 'Ask for (or confirm) the delivery address; remembered per user.',
  memory: { addresses: { scope: 'user', initial: { saved: null } } },
  context: ({ input }) => ({
    street: null,
    change: input.change === true || (input.trigger?.type.startsWith('intent.') === true && (input.trigger as IntentEvent).intent === 'address.change'),
  }),
  initial: 'start',
  stages: {
    start: {
      always: [{ guard: 'wantsAChange', target: 'askingStreet' }, { target: 'maybeSaved' }],
    },
    maybeSaved: { always: [{ guard: 'hasSaved', target: 'confirmingSaved' }, { target: 'askingStreet' }] },
    confirmingSaved: ask({
      prompt: ({ memory }) => `Deliver to ${savedOf(memory)} again?`,
      choices: ['yes', 'no'],
      on: {
        'intent.affirm': 'keptSaved',
        'intent.deny': 'askingStreet',
        'intent.address.change': 'askingStreet',
      },
    }),
    askingStreet: ask({
      prompt: 'What is the delivery address?',
      on: {
        'intent.none': { target: 'confirmingStreet', actions: update(street) },
        'intent.inform': { target: 'confirmingStreet', actions: update(street) },
      },
    }),
    confirmingStreet: ask({
      prompt: ({ context }) => `Deliver to ${context.street}, right?`,
      choices: ['yes', 'no'],
      on: {
        'intent.affirm': {
          target: 'confirmed',
          actions: [remember('addresses', ({ context }) => ({ saved: context.street })), say('Address saved.')],
        },
        'intent.deny': 'askingStreet',
      },
    }),
    confirmed: finish('done', ({ context }) => ({ address: context.street })),
    keptSaved: finish('done', ({ memory }) => ({ address: savedOf(memory) })),
  },
  guards: {
    hasSaved: ({ memory }) => savedOf(memory) !== null,
    wantsAChange: ({ context }) => context.change,
  },
  onCancel: {
    guard: 'hasSaved',
    target: '.keptSaved',
    actions: say(({ memory }) => `OK, keeping your saved address, ${savedOf(memory)}.`),
  },
});
