/**
 * The engine's own deep bot, written the way a bot author writes one: trip → hotel → guest (three levels of
 * dependOn), two side threads (weather, news), a service, and every escape. The N-order tests play conversation
 * scripts against it.
 */
import {
  ask,
  confirm,
  defineBot,
  defineContext,
  dependOn,
  entity,
  finish,
  keywordNlu,
  openThread,
  propagate,
  replaceTo,
  say,
  service,
  update,
  when,
  type BotSpec,
} from '@parley/dialogue-core';
import { raise } from 'xstate';

export const home = defineContext({
  id: 'home',
  initial: 'idle',
  stages: { idle: ask({ prompt: 'What next?', quiet: true }) },
});

/** Level 3: three questions about the guest. */
export const guest = defineContext({
  id: 'guest',
  context: { name: null as string | null, phone: null as string | null, email: null as string | null },
  initial: 'askingName',
  stages: {
    askingName: ask({
      prompt: 'Guest name?',
      on: { 'intent.none': { target: 'askingPhone', actions: update(({ event }) => ({ name: event.text })) } },
    }),
    askingPhone: ask({
      prompt: ({ context }) => `Phone number for ${context.name}?`,
      on: {
        'intent.*': {
          guard: when(({ event }) => entity(event, 'phone') !== undefined),
          target: 'askingEmail',
          actions: update(({ event }) => ({ phone: entity(event, 'phone') })),
        },
      },
    }),
    askingEmail: ask({
      prompt: ({ context }) => `Email for ${context.name}?`,
      on: {
        // A bug in the author's action: it throws.
        'intent.crash': {
          actions: () => {
            throw new Error('guest register exploded');
          },
        },
        // A loop no definition-time check can see (the guards could say no), and a self-raising event.
        'intent.spin': 'spinningA',
        'intent.echo': { actions: raise({ type: 'echo' }) },
        echo: { actions: raise({ type: 'echo' }) },
        'intent.*': {
          guard: when(({ event }) => entity(event, 'email') !== undefined),
          target: 'registered',
          actions: update(({ event }) => ({ email: entity(event, 'email') })),
        },
      },
    }),
    spinningA: { always: { guard: () => true, target: 'spinningB' } },
    spinningB: { always: { guard: () => true, target: 'spinningA' } },
    registered: finish('done', ({ context }) => ({ guest: context.name })),
  },
});

/** Level 2: the city, then the guest. A failure below is stopped here; the guest questions start again. */
export const hotel = defineContext({
  id: 'hotel',
  context: { city: null as string | null, guest: null as string | null },
  initial: 'askingCity',
  stages: {
    askingCity: ask({
      prompt: 'Which city?',
      on: {
        'intent.*': {
          guard: when(({ event }) => entity(event, 'city') !== undefined),
          target: 'registering',
          actions: update(({ event }) => ({ city: entity(event, 'city') })),
        },
      },
    }),
    registering: dependOn('guest', {
      onDone: { done: { target: 'booked', actions: update(({ event }) => ({ guest: event.output.guest })) } },
    }),
    booked: finish('done', ({ context }) => ({ city: context.city, guest: context.guest })),
  },
  onFailure: { actions: say('The guest register failed, sorry.') },
});

/** Level 1: the trip. A cancel anywhere below asks to confirm; "no" goes back to the exact question. */
export const trip = defineContext({
  id: 'trip',
  context: { city: null as string | null, guest: null as string | null },
  initial: 'planning',
  stages: {
    planning: dependOn('hotel', {
      onDone: {
        done: {
          target: 'confirming',
          actions: update(({ event }) => ({ city: event.output.city, guest: event.output.guest })),
        },
      },
    }),
    confirming: ask({
      prompt: ({ context }) => `A hotel in ${context.city} for ${context.guest}. Book it?`,
      on: { 'intent.affirm': { target: 'done', actions: say('Booked!') } },
    }),
    done: finish('done'),
  },
  onCancel: confirm({
    prompt: 'Cancel the whole trip?',
    yes: say('Trip cancelled.'),
    no: say("Good, let's go on."),
  }),
});

/** Side thread 1: a forecast from a service that may throw; its own failure handler answers. */
export const weather = defineContext({
  id: 'weather',
  context: { city: null as string | null },
  initial: 'askingCity',
  stages: {
    askingCity: ask({
      prompt: 'Weather for which city?',
      on: {
        'intent.*': {
          guard: when(({ event }) => entity(event, 'city') !== undefined),
          target: 'forecasting',
          actions: update(({ event }) => ({ city: entity(event, 'city') })),
        },
      },
    }),
    // No onError: a throwing service is a failure escape here, like a slow one.
    forecasting: {
      invoke: {
        src: 'forecast',
        input: ({ context }: { context: { city: string } }) => ({ city: context.city }),
        onDone: { target: 'answering', actions: say(({ event }) => `Forecast: ${String(event.output)}.`) },
      },
    },
    answering: ask({ prompt: 'Another city?', on: { 'intent.deny': 'done' } }),
    done: finish('done'),
  },
  onFailure: { target: '.done', actions: say('No forecast for that city.') },
  actors: {
    forecast: service(async ({ city }: { city: string }, { services }) => String(await services.forecast!({ city }))),
  },
});

/** Side thread 2: reading the news, which can hand over to the weather for good. */
export const news = defineContext({
  id: 'news',
  initial: 'reading',
  stages: {
    reading: ask({
      prompt: 'Sports or politics?',
      on: {
        'intent.weather.instead': { actions: replaceTo('weather') },
        'intent.deny': 'done',
      },
    }),
    done: finish('done'),
  },
  onCancel: { actions: [say('No more news.'), propagate()] },
});

export const tripSpec: BotSpec = {
  id: 'trip',
  version: 1,
  locale: 'en',
  home: 'home',
  contexts: [home, trip, hotel, guest, weather, news],
  intents: {
    'trip.plan': openThread('trip'),
    'trip.resume': openThread('trip'),
    'weather.ask': openThread('weather'),
    'news.read': openThread('news'),
  },
  events: {},
  nlu: 'none',
};

export const tripBot = defineBot(tripSpec);

export const tripNlu = keywordNlu({
  intents: {
    cancel: ['cancel'],
    quit: ['bye'],
    back: ['go back'],
    'trip.resume': ['back to my trip'],
    'trip.plan': ['plan a trip'],
    'weather.instead': ['weather instead'],
    'weather.ask': ['weather'],
    'news.read': ['news'],
    crash: ['crash'],
    spin: ['spin'],
    echo: ['echo'],
    affirm: ['yes'],
    deny: ['no'],
  },
  entities: {
    city: { Paris: [], Rome: [], Atlantis: [] },
    phone: /\b\d{6,}\b/,
    email: /\S+@\S+/,
  },
});

/** Forecasts; Atlantis throws. */
export const forecasts = {
  forecast: async ({ city }: { city: string }): Promise<string> => {
    if (city === 'Atlantis') throw new Error('no such city');
    return `sunny in ${city}`;
  },
};
