/**
 * The engine's own deep bot, written the way a bot author writes one: trip → hotel → guest (three levels of
 * dependOn), two side threads (weather, news), a service, and every escape. The N-order tests play conversation
 * scripts against it.
 */
import {
  contextKit,
  defineBot,
  homeContext,
  keywordNlu,
  openThread,
  service,
  xstateAction,
  type BotSpec,
} from '@parley/dialogue-core';
import { raise } from 'xstate';

export const home = homeContext({ prompt: 'What next?' });

/** Level 3: three questions about the guest. */
const g = contextKit<{ name: string | null; phone: string | null; email: string | null }, { guest: string }>();
export const guest = g.defineContext({
  id: 'guest',
  context: { name: null, phone: null, email: null },
  initial: 'askingName',
  stages: {
    askingName: g.ask({
      prompt: 'Guest name?',
      on: { 'intent.none': { target: 'askingPhone', actions: g.update(({ event }) => ({ name: event.text })) } },
    }),
    askingPhone: g.ask({
      prompt: ({ context }) => `Phone number for ${context.name}?`,
      on: {
        'intent.*': {
          guard: g.when(({ event }) => g.entity(event, 'phone') !== undefined),
          target: 'askingEmail',
          actions: g.update(({ event }) => ({ phone: String(g.entity(event, 'phone')) })),
        },
      },
    }),
    askingEmail: g.ask({
      prompt: ({ context }) => `Email for ${context.name}?`,
      on: {
        // A bug in the author's action: it throws.
        'intent.crash': {
          actions: g.run(() => {
            throw new Error('guest register exploded');
          }),
        },
        // A loop no definition-time check can see (the guards could say no), and a self-raising event.
        'intent.spin': 'spinningA',
        'intent.echo': { actions: xstateAction(raise({ type: 'echo' })) },
        echo: { actions: xstateAction(raise({ type: 'echo' })) },
        'intent.*': {
          guard: g.when(({ event }) => g.entity(event, 'email') !== undefined),
          target: 'registered',
          actions: g.update(({ event }) => ({ email: String(g.entity(event, 'email')) })),
        },
      },
    }),
    spinningA: { always: { guard: () => true, target: 'spinningB' } },
    spinningB: { always: { guard: () => true, target: 'spinningA' } },
    registered: g.finish('done', ({ context }) => ({ guest: context.name ?? '' })),
  },
});

/** Level 2: the city, then the guest. A failure below is stopped here; the guest questions start again. */
const h = contextKit<{ city: string | null; guest: string | null }, { city: string; guest: string }>();
export const hotel = h.defineContext({
  id: 'hotel',
  context: { city: null, guest: null },
  initial: 'askingCity',
  stages: {
    askingCity: h.ask({
      prompt: 'Which city?',
      on: {
        'intent.*': {
          guard: h.when(({ event }) => h.entity(event, 'city') !== undefined),
          target: 'registering',
          actions: h.update(({ event }) => ({ city: String(h.entity(event, 'city')) })),
        },
      },
    }),
    registering: h.dependOn(guest, {
      onDone: { done: { target: 'booked', actions: h.update(({ event }) => ({ guest: event.output.guest })) } },
    }),
    booked: h.finish('done', ({ context }) => ({ city: context.city ?? '', guest: context.guest ?? '' })),
  },
  onFailure: { actions: h.say('The guest register failed, sorry.') },
});

/** Level 1: the trip. A cancel anywhere below asks to confirm; "no" goes back to the exact question. */
const t = contextKit<{ city: string | null; guest: string | null }>();
export const trip = t.defineContext({
  id: 'trip',
  context: { city: null, guest: null },
  initial: 'planning',
  stages: {
    planning: t.dependOn(hotel, {
      onDone: {
        done: {
          target: 'confirming',
          actions: t.update(({ event }) => ({ city: event.output.city, guest: event.output.guest })),
        },
      },
    }),
    confirming: t.ask({
      prompt: ({ context }) => `A hotel in ${context.city} for ${context.guest}. Book it?`,
      on: { 'intent.affirm': { target: 'done', actions: t.say('Booked!') } },
    }),
    done: t.finish('done'),
  },
  onCancel: t.confirm({
    prompt: 'Cancel the whole trip?',
    yes: t.say('Trip cancelled.'),
    no: t.say("Good, let's go on."),
  }),
});

const forecast = service(async ({ city }: { city: string }, { services }) => String(await services.forecast!({ city })));

/** Side thread 1: a forecast from a service that may throw; its own failure handler answers. */
const w = contextKit<{ city: string | null }>();
export const weather = w.defineContext({
  id: 'weather',
  context: { city: null },
  initial: 'askingCity',
  stages: {
    askingCity: w.ask({
      prompt: 'Weather for which city?',
      on: {
        'intent.*': {
          guard: w.when(({ event }) => w.entity(event, 'city') !== undefined),
          target: 'forecasting',
          actions: w.update(({ event }) => ({ city: String(w.entity(event, 'city')) })),
        },
      },
    }),
    // No onError: a throwing service is a failure escape here, like a slow one.
    forecasting: {
      invoke: w.invoke('forecast', forecast, {
        input: ({ context }) => ({ city: context.city ?? '' }),
        onDone: { target: 'answering', actions: w.say(({ event }) => `Forecast: ${event.output}.`) },
      }),
    },
    answering: w.ask({ prompt: 'Another city?', on: { 'intent.deny': 'done' } }),
    done: w.finish('done'),
  },
  onFailure: { target: '.done', actions: w.say('No forecast for that city.') },
});

/** Side thread 2: reading the news, which can hand over to the weather for good. */
const n = contextKit<object>();
export const news = n.defineContext({
  id: 'news',
  initial: 'reading',
  stages: {
    reading: n.ask({
      prompt: 'Sports or politics?',
      on: {
        'intent.weather.instead': { actions: n.replaceTo('weather') },
        'intent.deny': 'done',
      },
    }),
    done: n.finish('done'),
  },
  onCancel: { actions: [n.say('No more news.'), n.propagate()] },
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
