/**
 * A small English shop bot that exercises every engine behaviour: nested contexts, threads, escapes and their
 * interception, back steps, scoped memory, duplex events, replace, crashes and time limits.
 */
import {
  ask,
  blockThread,
  defineBot,
  defineContext,
  dependOn,
  entity,
  escape,
  finish,
  keywordNlu,
  openThread,
  propagate,
  push,
  remember,
  replaceTo,
  sleepTo,
  reply,
  say,
  service,
  update,
  when,
  yieldUntil,
  type BotSpec,
} from '@parley/dialogue-core';

export const MENU = ['apple', 'orange', 'melon'];

export const home = defineContext({
  id: 'home',
  initial: 'idle',
  stages: {
    idle: ask({ prompt: 'What else can I do for you?', quiet: true }),
  },
});

export const member = defineContext({
  id: 'member',
  memory: { customer: { scope: 'user', initial: { member: false, orders: 0 } } },
  context: ({ input }) => ({ mode: (input.mode as string) ?? 'join', name: null as string | null }),
  initial: 'start',
  stages: {
    start: {
      always: [{ guard: ({ context }: any) => context.mode === 'offer', target: 'offering' }, { target: 'askingName' }],
    },
    offering: ask({
      prompt: 'Members get 20% off. Join?',
      on: { 'intent.affirm': 'askingName', 'intent.deny': 'declined' },
    }),
    askingName: ask({
      prompt: 'Your name?',
      on: { 'intent.none': { target: 'askingPhone', actions: update(({ event }) => ({ name: event.text })) } },
    }),
    askingPhone: ask({
      prompt: 'Your phone number?',
      on: {
        'intent.*': [
          {
            guard: when(({ event }) => entity(event, 'phone') !== undefined),
            target: 'joined',
            actions: [
              say('Welcome, member!'),
              remember('customer', ({ memory }) => ({ ...memory.customer, member: true })),
            ],
          },
          { actions: say('That phone number looks wrong.'), target: 'askingPhone', reenter: true },
        ],
      },
    }),
    joined: finish('done', { member: true }),
    declined: finish('done', { member: false }),
  },
  // A cancel from inside membership turns into a normal result: the order goes on.
  onCancel: { target: '.declined', actions: say('OK, no membership.') },
});

export const voucher = defineContext({
  id: 'voucher',
  initial: 'checking',
  stages: {
    checking: {
      entry: () => {
        throw new Error('voucher service exploded');
      },
      always: 'done',
    },
    done: finish('done'),
  },
});

export const order = defineContext({
  id: 'order',
  memory: { customer: { scope: 'user', initial: { member: false, orders: 0 } } },
  context: ({ input }) => {
    const flavor = entity(input.trigger, 'flavor') as string | undefined;
    return {
      flavor: flavor && MENU.includes(flavor) ? flavor : null,
      size: (entity(input.trigger, 'size') as string | undefined) ?? null,
      misses: 0,
      member: false,
    };
  },
  initial: 'start',
  stages: {
    start: {
      always: [{ guard: ({ context }: any) => !context.flavor, target: 'askingFlavor' }, { target: 'checkSize' }],
    },
    askingFlavor: ask({
      prompt: 'Which flavor? apple, orange or melon.',
      on: {
        // the order steps aside for the menu, and gets the focus back when the menu is done
        'intent.flavors': { actions: sleepTo('menu') },
        'intent.*': [
          {
            guard: when(({ event }) => MENU.includes(entity(event, 'flavor') as string)),
            target: 'checkSize',
            actions: update(({ event }) => ({ flavor: entity(event, 'flavor'), misses: 0 })),
          },
          {
            guard: when(({ event, context }) => entity(event, 'flavor') !== undefined && context.misses >= 2),
            actions: [say("We don't have that either."), escape('failure', 'three unknown flavors')],
          },
          {
            guard: when(({ event }) => entity(event, 'flavor') !== undefined),
            target: 'askingFlavor',
            reenter: true,
            actions: [
              say(({ event }) => `Sorry, we have no ${entity(event, 'flavor')}.`),
              update(({ context }) => ({ misses: context.misses + 1 })),
            ],
          },
        ],
      },
    }),
    checkSize: {
      always: [{ guard: ({ context }: any) => !context.size, target: 'askingSize' }, { target: 'checkMember' }],
    },
    askingSize: ask({
      prompt: 'Small or large?',
      on: {
        'intent.*': {
          guard: when(({ event }) => entity(event, 'size') !== undefined),
          target: 'checkMember',
          actions: update(({ event }) => ({ size: entity(event, 'size') })),
        },
      },
    }),
    checkMember: {
      always: [
        {
          guard: when(({ memory }) => memory.customer?.member === true),
          target: 'paying',
          actions: update({ member: true }),
        },
        { target: 'offeringMembership' },
      ],
    },
    offeringMembership: dependOn('member', {
      input: { mode: 'offer' },
      onDone: {
        done: { target: 'paying', actions: update(({ event }) => ({ member: event.output.member === true })) },
      },
    }),
    paying: ask({
      prompt: ({ context }) => `Please pay $${context.member ? 4 : 5}.`,
      on: {
        'intent.pay': {
          target: 'paid',
          actions: [
            say(({ context }) => `Paid: ${context.size} ${context.flavor} juice.`),
            remember('customer', ({ memory }) => ({ ...memory.customer, orders: (memory.customer?.orders ?? 0) + 1 })),
          ],
        },
        'intent.payOnline': 'awaitingPayment',
        'intent.voucher': 'usingVoucher',
      },
    }),
    usingVoucher: dependOn('voucher', {
      onFailure: { target: 'paying', actions: say('Vouchers are unavailable right now.') },
    }),
    awaitingPayment: yieldUntil({
      on: {
        'ext.payment.confirmed': [
          {
            guard: ({ event }: any) => event.askReceipt === true,
            target: 'askingReceipt',
            actions: say('Payment received.'),
          },
          { target: 'paid', actions: say('Payment received, your juice is on its way.') },
        ],
      },
    }),
    askingReceipt: ask({
      prompt: 'Do you want a receipt?',
      on: { 'intent.affirm': { target: 'paid', actions: say('Receipt sent.') }, 'intent.deny': 'paid' },
    }),
    paid: finish('done'),
  },
  onCancel: { actions: [say('Your order is cancelled.'), propagate()] },
  onFailure: { actions: [say('Sorry, the order is dropped.'), propagate()] },
});

export const weather = defineContext({
  id: 'weather',
  memory: { forecast: { scope: ['city', 'date'] } },
  context: ({ input }) => ({
    city: (entity(input.trigger, 'city') as string | undefined) ?? null,
    date: (entity(input.trigger, 'date') as string | undefined) ?? null,
    report: null as string | null,
  }),
  initial: 'check',
  stages: {
    check: {
      always: [
        { guard: ({ context }: any) => !context.city, target: 'askingCity' },
        { guard: ({ context }: any) => !context.date, target: 'askingDate' },
        { target: 'forecasting' },
      ],
    },
    askingCity: ask({
      prompt: 'Which city?',
      on: {
        'intent.*': {
          guard: when(({ event }) => entity(event, 'city') !== undefined),
          target: 'check',
          actions: update(({ event }) => ({ city: entity(event, 'city') })),
        },
      },
    }),
    askingDate: ask({
      prompt: 'Which day?',
      on: {
        'intent.*': {
          guard: when(({ event }) => entity(event, 'date') !== undefined),
          target: 'check',
          actions: update(({ event }) => ({ date: entity(event, 'date') })),
        },
      },
    }),
    forecasting: {
      invoke: {
        src: 'forecast',
        input: ({ context }: any) => ({ city: context.city, date: context.date }),
        onDone: {
          target: 'answering',
          actions: say(({ context, event }) => `${context.city} ${context.date}: ${event.output}`),
        },
        onError: { actions: escape('failure', 'no forecast') },
      },
    },
    answering: ask({ prompt: 'Anything else about the weather?', on: { 'intent.deny': 'done' } }),
    done: finish('done'),
  },
  // Intercepted failure: the weather thread ends politely on its own.
  onFailure: { target: '.done', actions: say("Sorry, I can't find that forecast.") },
  actors: {
    forecast: service(async ({ city, date }: { city: string; date: string }, { services, recall, remember: keep }) => {
      const cached = await recall('forecast', { city, date });
      if (typeof cached === 'string') return `${cached} (cached)`;
      const report = (await services.forecast!({ city, date })) as string;
      keep('forecast', report, { city, date });
      return report;
    }),
  },
});

export const menu = defineContext({
  id: 'menu',
  initial: 'showing',
  stages: {
    showing: ask({
      prompt: 'We sell apple, orange and melon juice. Order one?',
      on: { 'intent.affirm': { actions: replaceTo('order') }, 'intent.deny': 'done' },
    }),
    done: finish('done'),
  },
});

export const survey = defineContext({
  id: 'survey',
  initial: 'rating',
  stages: {
    rating: ask({
      prompt: 'How was your last juice, 1 to 5?',
      on: { 'intent.*': { guard: when(({ event }) => entity(event, 'number') !== undefined), target: 'thanks' } },
      // Ask to confirm a cancel instead of leaving at once.
      onCancel: 'confirmingCancel',
    }),
    confirmingCancel: ask({
      prompt: 'Stop the survey?',
      on: { 'intent.affirm': { actions: [say('Survey stopped.'), propagate('cancel')] }, 'intent.deny': 'rating' },
      onCancel: { actions: [say('Survey stopped.'), propagate()] },
    }),
    thanks: { entry: say('Thanks for rating!'), always: 'done' },
    done: finish('done'),
  },
});

export const broken = defineContext({
  id: 'broken',
  initial: 'boom',
  stages: {
    boom: {
      entry: () => {
        throw new Error('author bug');
      },
      always: 'done',
    },
    done: finish('done'),
  },
});

export const shopSpec: BotSpec = {
  id: 'shop',
  version: 1,
  locale: 'en',
  home: 'home',
  contexts: [home, order, member, voucher, weather, menu, survey, broken],
  intents: {
    'order.juice': openThread('order'),
    'order.resume': openThread('order'),
    'weather.ask': openThread('weather'),
    'member.join': openThread('member'),
    'menu.show': openThread('menu'),
    crash: openThread('broken'),
    greet: reply('Hello, this is the juice shop.'),
  },
  events: {
    promo: push('Happy hour: two for one!'),
    'survey.due': blockThread('survey'),
  },
  messages: { notUnderstood: "Sorry, I didn't get that." },
};

export const shop = defineBot(shopSpec);

export const shopNlu = keywordNlu({
  intents: {
    cancel: ['cancel', 'never mind'],
    quit: ['bye'],
    back: ['go back'],
    'order.resume': ['continue my order', 'back to my order'],
    'order.juice': ['juice'],
    'weather.ask': ['weather'],
    'member.join': ['become a member'],
    'menu.show': ['menu'],
    crash: ['crash'],
    greet: ['hello', 'hi there'],
    flavors: ['what flavors'],
    payOnline: ['pay online'],
    voucher: ['voucher'],
    pay: ['pay'],
    affirm: ['yes', 'sure', 'ok'],
    deny: ['no', 'nothing'],
  },
  entities: {
    flavor: { apple: ['apples'], orange: [], melon: [], grape: [], mango: [], durian: [] },
    size: { small: [], large: ['big'] },
    city: { Paris: [], London: [], Slowtown: [], Atlantis: [] },
    date: { today: [], tomorrow: [] },
    phone: /\b\d{11}\b/,
    number: /\b[1-5]\b/,
  },
});

/** A deterministic forecast service; `Slowtown` never answers, `Atlantis` does not exist. */
export function forecastService(calls: string[] = []) {
  return {
    forecast: async ({ city, date }: { city: string; date: string }): Promise<string> => {
      calls.push(`${city}/${date}`);
      if (city === 'Slowtown') return new Promise<string>(() => undefined);
      if (city === 'Atlantis') throw new Error('unknown city');
      return `sunny, ${city.length + 10} to ${city.length + 18} degrees`;
    },
  };
}
