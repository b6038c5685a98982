import {
  homeContext,
  ask,
  blockThread,
  openThread,
  replaceTo,
  sleepTo,
  say,
  converse,
  defineBot,
  defineContext,
  DefinitionError,
  dependOn,
  finish,
  keywordNlu,
  renameStage,
  runTurn,
  InMemoryMemory,
  type Action,
  type ContextDefinition,
} from '@parley/dialogue-core';
import { forecastService, order, shop, shopNlu, shopSpec } from './shop.bot';

/** The order context with one stage renamed, as a new bot version would ship it. */
function orderWithRenamedStage(from: string, to: string): ContextDefinition {
  const rename = (value: any): any => {
    if (value === from) return to;
    if (Array.isArray(value)) return value.map(rename);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === from ? to : k, rename(v)]));
    }
    return value;
  };
  return defineContext({ ...order.spec, stages: rename(order.spec.stages) });
}

const withOrder = (next: ContextDefinition) => shopSpec.contexts.map((c) => (c.id === 'order' ? next : c));

describe('versioning', () => {
  it('records the bot version in the state', async () => {
    await converse(shop, { nlu: shopNlu })
      .say('I want juice')
      .check((r) => expect(r.state.version).toBe(1));
  });

  it('runs the migrations of a newer version on a stored conversation, which continues where it was', async () => {
    const c = converse(shop, { nlu: shopNlu });
    await c.say('I want juice').say('apple').expect('Small or large?');
    const v2 = defineBot({
      ...shopSpec,
      version: 2,
      contexts: withOrder(orderWithRenamedStage('askingSize', 'choosingSize')),
      migrations: { 2: (snapshot) => renameStage(snapshot, 'order', 'askingSize', 'choosingSize') },
    });
    const next = converse(v2, { nlu: shopNlu, memory: c.memory });
    next.state = c.state;
    await next
      .say('large')
      .expect('Members get 20% off. Join?')
      .check((r) => expect(r.reset).toBeUndefined())
      .check((r) => expect(r.state.version).toBe(2))
      .say('go back')
      .expect('Small or large?')
      .check((r) => expect(r.activePath).toEqual(['order.choosingSize']));
  });

  it('resets a conversation it cannot restore politely, never throwing', async () => {
    const c = converse(shop, { nlu: shopNlu });
    await c.say('I want juice').say('apple').expect('Small or large?');
    const v2 = defineBot({
      ...shopSpec,
      version: 2,
      contexts: withOrder(orderWithRenamedStage('askingSize', 'choosingSize')),
    });
    const next = converse(v2, { nlu: shopNlu, memory: c.memory });
    next.state = c.state;
    await next
      .say('large')
      .expect('I lost track of our conversation')
      .check((r) => expect(r.reset?.reason).toMatch(/askingSize/))
      .check((r) => expect(r.threads.focus).toBe('home'))
      .say('I want juice')
      .expect('Which flavor?');
  });

  it('refuses a state stored by a newer version than the one deployed, so a rolling deploy never resets it', async () => {
    const c = converse(shop, { nlu: shopNlu });
    await c.say('I want juice');
    await expect(
      runTurn(
        shop,
        {
          conversationId: 'c',
          userId: 'u',
          state: { ...c.state!, version: 7 },
          input: { kind: 'message', text: 'apple' },
        },
        { memory: c.memory, nlu: shopNlu },
      ),
    ).rejects.toMatchObject({ name: 'NewerStateError', code: 'STATE_FROM_NEWER_VERSION' });
  });

  it('resets a state whose migration throws', async () => {
    const c = converse(shop, { nlu: shopNlu });
    await c.say('I want juice');
    const v2 = defineBot({
      ...shopSpec,
      version: 2,
      migrations: {
        2: () => {
          throw new Error('bad migration');
        },
      },
    });
    const next = converse(v2, { nlu: shopNlu });
    next.state = c.state;
    await next
      .say('apple')
      .expect('I lost track of our conversation')
      .check((r) => expect(r.reset?.reason).toMatch(/Migration to version 2/));
  });
});

describe('garbage collection', () => {
  it('keeps the state of a 1,000-turn conversation within 2x of a 10-turn one', async () => {
    const script = [
      'I want juice',
      'apple',
      'weather in Paris today',
      'nothing',
      'large',
      'no',
      'qwerty',
      'pay',
      'show me the menu',
      'no',
    ];
    const sizes: number[] = [];
    const c = converse(shop, { nlu: shopNlu, services: forecastService() });
    for (let i = 0; i < 100; i++) {
      for (const line of script) c.say(line);
      await c;
      sizes.push(JSON.stringify(c.state).length);
    }
    expect(c.results).toHaveLength(1000);
    expect(c.state!.turns).toBe(1000);
    expect(c.results.filter((r) => r.replies.some((x) => x.text.startsWith('Paid:')))).toHaveLength(100);
    expect(sizes[99]!).toBeLessThanOrEqual(2 * sizes[0]!);
    expect(c.state!.history.length).toBeLessThanOrEqual(3);
  });
});

describe('definition-time errors', () => {
  const stage = { idle: ask({ prompt: 'hi', on: { 'intent.bye': 'done' } }), done: finish() };
  const home = homeContext({ prompt: 'hi' });
  const bot = (...contexts: ContextDefinition[]) =>
    defineBot({ id: 'x', version: 1, home: 'home', contexts: [home, ...contexts] });

  it('rejects a context whose initial stage does not exist, saying which stages exist', () => {
    expect(() => defineContext({ id: 'a', initial: 'nope', stages: stage })).toThrow(/starts at 'nope'.*idle, done/);
  });

  it('rejects a context that can never end (the home context need not)', () => {
    const a = defineContext({ id: 'a', initial: 'idle', stages: { idle: ask({ prompt: 'hi' }) } });
    expect(() => bot(a)).toThrow(/Context 'a' can never end: give it a final stage/);
    expect(() => bot()).not.toThrow();
  });

  it('rejects a final stage that no transition reaches, naming it', () => {
    const a = defineContext({
      id: 'a',
      initial: 'idle',
      stages: { idle: ask({ prompt: 'hi', on: { 'intent.bye': 'done' } }), done: finish(), lost: finish('cancelled') },
    });
    expect(() => bot(a)).toThrow(/Context 'a' has the final stage 'lost', which no transition reaches/);
  });

  it('rejects a thread request to a context the bot does not have, wherever it is made', () => {
    const to = (action: Action) =>
      defineContext({
        id: 'a',
        initial: 'idle',
        stages: { ...stage, idle: ask({ prompt: 'hi', on: { 'intent.x': { actions: action } } }) },
      });
    expect(() => bot(to(sleepTo('wether')))).toThrow(/stage 'idle' opens the thread 'wether'.*\(home, a\)/);
    expect(() => bot(to(replaceTo('nope')))).toThrow(/opens the thread 'nope'/);
    const a = defineContext({ id: 'a', initial: 'idle', stages: stage });
    expect(() =>
      defineBot({ id: 'x', version: 1, home: 'home', contexts: [home, a], intents: { go: openThread('b') } }),
    ).toThrow(/the intent 'go' opens the thread 'b'/);
    expect(() =>
      defineBot({ id: 'x', version: 1, home: 'home', contexts: [home, a], events: { due: blockThread('survey') } }),
    ).toThrow(/the event 'due' opens the thread 'survey'/);
  });

  it('rejects a loop of always transitions that nothing can stop, naming its stages', () => {
    const a = defineContext({
      id: 'a',
      initial: 'idle',
      stages: {
        ...stage,
        idle: ask({ prompt: 'hi', on: { 'intent.go': 'ping', 'intent.bye': 'done' } }),
        ping: { entry: say('ping'), always: { target: 'pong' } },
        pong: { always: 'ping' },
      },
    });
    expect(() => bot(a)).toThrow(/Context 'a' loops forever: (ping → pong|pong → ping) → …/);
    // A guarded way out is a way out: not a definition error (the turn's bound catches it if the guard never passes).
    const b = defineContext({
      id: 'b',
      initial: 'idle',
      stages: {
        ...stage,
        idle: ask({ prompt: 'hi', on: { 'intent.go': 'ping', 'intent.bye': 'done' } }),
        ping: { always: [{ guard: () => true, target: 'pong' }, { target: 'done' }] },
        pong: { always: 'ping' },
      },
    });
    expect(() => bot(b)).not.toThrow();
  });

  it('rejects hand-written routing', () => {
    expect(() =>
      defineContext({ id: 'a', initial: 'idle', stages: { ...stage, idle: { on: { turn: 'done' } } } }),
    ).toThrow(/Parley's routing event/);
  });

  it('rejects XState timers, which are lost between turns', () => {
    expect(() =>
      // @ts-expect-error: `after` is not a stage option (a compile error too)
      defineContext({ id: 'a', initial: 'idle', stages: { ...stage, idle: { after: { 1000: 'done' } } } }),
    ).toThrow(/schedule\(/);
  });

  it('rejects dependOn of an unknown context, naming the known ones', () => {
    const a = defineContext({ id: 'a', initial: 'waiting', stages: { waiting: dependOn('bee'), done: finish() } });
    expect(() => defineBot({ id: 'x', version: 1, home: 'a', contexts: [a] })).toThrow(/depends on 'bee'.*\(a\)/);
  });

  it('rejects contexts that depend on each other in a cycle', () => {
    const a = defineContext({ id: 'a', initial: 'w', stages: { w: dependOn('b'), done: finish() } });
    const b = defineContext({ id: 'b', initial: 'w', stages: { w: dependOn('a'), done: finish() } });
    expect(() => defineBot({ id: 'x', version: 1, home: 'a', contexts: [a, b] })).toThrow(/cycle \(a → b → a\)/);
  });

  it('rejects a missing home, a duplicate context, a bad version and an invalid statechart', () => {
    const a = defineContext({ id: 'a', initial: 'idle', stages: stage });
    expect(() => defineBot({ id: 'x', version: 1, home: 'h', contexts: [a] })).toThrow(DefinitionError);
    expect(() => defineBot({ id: 'x', version: 1, home: 'a', contexts: [a, a] })).toThrow(/two contexts/);
    expect(() => defineBot({ id: 'x', version: 0, home: 'a', contexts: [a] })).toThrow(/version/);
    const bad = defineContext({
      id: 'b',
      initial: 'idle',
      stages: { ...stage, idle: { on: { 'intent.x': 'nowhere' } } },
    });
    expect(() => defineBot({ id: 'x', version: 1, home: 'a', contexts: [a, bad] })).toThrow(
      /Context 'b' is not a valid statechart/,
    );
  });

  it('rejects a memory declared with two different scopes', () => {
    const a = defineContext({ id: 'a', initial: 'idle', memory: { m: { scope: 'user' } }, stages: stage });
    const b = defineContext({ id: 'b', initial: 'idle', memory: { m: { scope: ['city'] } }, stages: stage });
    expect(() => defineBot({ id: 'x', version: 1, home: 'a', contexts: [a, b] })).toThrow(
      /memory 'm'.*different scopes/,
    );
  });
});

describe('turn input', () => {
  it('rejects malformed calls with a typed error', async () => {
    const ports = { memory: new InMemoryMemory(), nlu: keywordNlu({ intents: {} }) };
    await expect(
      runTurn(shop, { conversationId: '', userId: 'u', state: null, input: { kind: 'message', text: 'x' } }, ports),
    ).rejects.toMatchObject({
      code: 'TURN_INPUT_INVALID',
    });
    await expect(
      runTurn(
        shop,
        { conversationId: 'c', userId: 'u', state: null, input: { kind: 'event', event: { type: '' } } },
        ports,
      ),
    ).rejects.toMatchObject({ name: 'TurnInputError' });
  });

  it('uses an intent given by the caller without calling the NLU', async () => {
    await converse(shop, { nlu: keywordNlu({ intents: {} }) })
      .sayIntent('order.juice', [{ name: 'flavor', value: 'melon' }], 'melon juice')
      .expect('Small or large?');
  });
});
