import { ask, defineContext, finish, remember, say, update } from '@parley/dialogue-core';

interface Addresses {
  saved: string | null;
}

const savedOf = (memory: any): string | null => (memory.addresses as Addresses | undefined)?.saved ?? null;

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
    street: null as string | null,
    change: input.change === true || input.trigger?.intent === 'address.change',
  }),
  initial: 'start',
  stages: {
    start: {
      always: [{ guard: ({ context }: any) => !context.change, target: 'maybeSaved' }, { target: 'askingStreet' }],
    },
    maybeSaved: { always: [{ guard: 'hasSaved', target: 'confirmingSaved' }, { target: 'askingStreet' }] },
    confirmingSaved: ask({
      prompt: ({ memory }) => `Deliver to ${savedOf(memory)} again?`,
      on: {
        'intent.affirm': 'keptSaved',
        'intent.deny': 'askingStreet',
        'intent.address.change': 'askingStreet',
      },
    }),
    askingStreet: ask({
      prompt: 'What is the delivery address?',
      on: {
        'intent.none': {
          target: 'confirmingStreet',
          actions: update(({ event }) => ({ street: String(event.text).trim() })),
        },
        'intent.inform': {
          target: 'confirmingStreet',
          actions: update(({ event }) => ({ street: String(event.text).trim() })),
        },
      },
    }),
    confirmingStreet: ask({
      prompt: ({ context }) => `Deliver to ${context.street}, right?`,
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
  guards: { hasSaved: ({ memory }) => savedOf(memory) !== null },
  onCancel: {
    guard: 'hasSaved',
    target: '.keptSaved',
    actions: say(({ memory }) => `OK, keeping your saved address, ${savedOf(memory)}.`),
  },
});
