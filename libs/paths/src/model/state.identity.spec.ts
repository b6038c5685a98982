import { homeContext, defineBot, defineContext, ask, dependOn, finish } from '@parley/dialogue-core';
import { resolvePathsConfig } from '../paths.config';
import { identify } from './state.identity';

const home = homeContext({ prompt: 'Anything else?' });
const guest = defineContext({
  id: 'guest',
  initial: 'askingName',
  stages: { askingName: ask({ prompt: 'Name?', on: { 'intent.none': 'done' } }), done: finish() },
});
const trip = defineContext({
  id: 'trip',
  initial: 'planning',
  stages: {
    planning: {
      initial: 'registering',
      states: {
        resume: { type: 'history', history: 'deep' },
        registering: dependOn('guest', { onDone: { done: '#trip.done' } }),
      },
    },
    done: finish(),
  },
});
const weather = defineContext({
  id: 'weather',
  initial: 'askingCity',
  stages: { askingCity: ask({ prompt: 'City?', on: { 'intent.none': 'done' } }), done: finish() },
});
const bot = defineBot({
  id: 'identity',
  version: 1,
  home: 'home',
  contexts: [home, trip, guest, weather],
  nlu: 'none',
});

// A stored process snapshot as runTurn persists it: the trip thread waits for the guest context two levels down and
// is held for a cancel confirmation; the weather thread sleeps.
const snapshot = {
  status: 'active',
  value: { active: { home: 'running', trip: 'running', guest: 'idle', weather: 'running' } },
  context: {
    focus: 'trip',
    home: 'home',
    sleeping: ['weather'],
    yielding: [],
    blocking: [],
    confirming: { thread: 'trip', kind: 'cancel', prompt: 'Cancel the trip?' },
  },
  children: {
    home: { src: 'home', snapshot: { status: 'active', value: 'idle', context: {}, children: {} } },
    trip: {
      src: 'trip',
      snapshot: {
        status: 'active',
        value: { planning: 'registering' },
        context: { retries: 2 },
        historyValue: { 'trip.planning.resume': [{ id: 'trip.planning.registering' }] },
        children: {
          guest: {
            src: 'guest',
            snapshot: { status: 'active', value: 'askingName', context: { name: null }, children: {} },
          },
        },
      },
    },
    weather: { src: 'weather', snapshot: { status: 'active', value: 'askingCity', context: {}, children: {} } },
  },
};

describe('the state identity of a stored conversation', () => {
  it('is the stages of every thread, nested contexts included, the focus, the stacks and a held confirmation', () => {
    const identity = identify(bot, snapshot, {}, resolvePathsConfig());
    expect(identity.label).toBe(
      'trip.planning.registering [planning.resume → planning.registering] > guest.askingName (confirming cancel) | sleeping weather.askingCity',
    );
    expect(identity.key).toBe(`${identity.label} | home.idle`);
    expect(identity).toMatchObject({
      focus: 'trip',
      sleeping: ['weather'],
      confirming: { thread: 'trip', kind: 'cancel' },
    });
  });

  it('leaves data out, unless the bot declares it matters', () => {
    const plain = identify(bot, snapshot, { customer: { orders: 2 } }, resolvePathsConfig());
    expect(plain.key).not.toContain('retries');
    const declared = identify(
      bot,
      snapshot,
      { customer: { orders: 2 } },
      resolvePathsConfig({
        identity: {
          contexts: { trip: (data) => ({ retries: data.retries as number }) },
          memory: (memory) => ({ returning: (memory.customer as { orders: number }).orders > 0 }),
        },
      }),
    );
    expect(declared.label).toContain('trip.planning.registering{"retries":2} [planning.resume');
    expect(declared.key.endsWith(' · {"returning":true}')).toBe(true);
  });

  it('is "(ended)" after a quit', () => {
    expect(identify(bot, { status: 'done', value: 'ended' }, {}, resolvePathsConfig()).key).toBe('(ended)');
  });
});
