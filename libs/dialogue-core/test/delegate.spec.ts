import {
  botKit,
  converse,
  defineBot,
  homeContext,
  keywordNlu,
  openThread,
  parseBrainAnswer,
  type BrainRequest,
  type Services,
} from '@parley/dialogue-core';

// External brains on the engine: the brain is the turn's service `brain.<name>` (the server's is an HTTP client).
interface Shop {
  customer: { name: string; orders: number };
  basket: { items: string[] };
}
const kit = botKit<{ memory: Shop }>();
const { defineContext, ask, delegate, say, update, finish } = kit.context<{ topic: string | null; answer: string | null }>();

const help = defineContext({
  id: 'help',
  memory: { customer: { scope: 'user', initial: { name: 'Ann', orders: 2 } }, basket: { scope: 'conversation' } },
  context: { topic: null, answer: null },
  initial: 'choosing',
  stages: {
    choosing: ask({
      prompt: 'Billing or shipping?',
      on: { 'intent.billing': { target: 'expert', actions: update({ topic: 'billing' }) } },
    }),
    expert: delegate({
      brain: 'billing',
      memory: ['customer'],
      except: ['shop'],
      onDone: { target: 'done', actions: update(({ event }) => ({ answer: JSON.stringify(event.output.answer) })) },
    }),
    done: finish('done'),
  },
  onFailure: { target: '.done', actions: say('Our billing expert is away; try again later.') },
});
const faq = kit.brainContext({ id: 'faq', brain: 'faq', sorry: 'The FAQ is not available.' });
const shop = defineContext({ id: 'shop', context: { topic: null, answer: null }, initial: 'done', stages: { done: { type: 'final', entry: say('Shop!') } } });
const bot = defineBot({
  id: 'brains',
  version: 1,
  home: 'home',
  contexts: [homeContext({ prompt: 'What else?' }), help, faq, shop],
  intents: { help: openThread('help'), faq: openThread('faq'), shop: openThread('shop') },
});
const nlu = keywordNlu({
  intents: { cancel: ['cancel'], help: ['help'], faq: ['question'], billing: ['billing'], shop: ['shop'], more: ['more', 'invoice'] },
  entities: { month: { march: ['march'] } },
});

function brains(answer: (request: BrainRequest) => unknown): { services: Services; asked: BrainRequest[] } {
  const asked: BrainRequest[] = [];
  const call = async (request: BrainRequest) => (asked.push(request), answer(request));
  return { services: { 'brain.billing': call, 'brain.faq': call }, asked };
}

describe('delegate: a stage hands the conversation to a brain', () => {
  it('the message that led into the stage goes to the brain at once, with its intent, entities and the allowed memory', async () => {
    const { services, asked } = brains(() => ({ replies: ['Your invoice is sent.'], result: { answer: 'sent' } }));
    await converse(bot, { nlu, services, conversationId: 'c-1', userId: 'ann' })
      .say('help')
      .expect('Billing or shipping?')
      .say('billing for march please')
      .expect('Your invoice is sent.', 'What else?')
      .check((r) => {
        expect(r.events).toContainEqual({ type: 'context.finished', context: 'help', thread: 'help', result: { status: 'done' } });
      });
    expect(asked).toEqual([
      {
        bot: 'brains',
        conversationId: 'c-1',
        stage: 'help.expert',
        message: {
          text: 'billing for march please',
          intent: 'billing',
          entities: [expect.objectContaining({ name: 'month', value: 'march' })],
          confidence: 1,
        },
        // Only what the stage allows: the customer, not the basket.
        memory: { customer: { name: 'Ann', orders: 2 } },
      },
    ]);
  });

  it('"stay": the brain keeps the conversation and gets the next message; its result then ends the stage', async () => {
    let turn = 0;
    const { services, asked } = brains(() =>
      ++turn === 1 ? { stay: true, replies: ['Which month?'] } : { replies: ['March is paid.'], result: { answer: 'paid' } },
    );
    await converse(bot, { nlu, services })
      .say('help')
      .say('billing')
      .expect('Which month?')
      .check((r) => expect(r.activePath).toEqual(['help.expert.following']))
      // An interruption: the brain's question is asked again when the thread wakes.
      .say('shop')
      .expect('Shop!', 'Which month?')
      .say('march')
      .expect('March is paid.');
    expect(asked.map((request) => [request.message.text, request.message.intent])).toEqual([
      ['billing', 'billing'],
      ['march', null],
    ]);
  });

  it('escapes and the intents in `except` stay Parley\'s', async () => {
    const { services, asked } = brains(() => ({ stay: true }));
    await converse(bot, { nlu, services })
      .say('help')
      .say('billing')
      .say('shop')
      .expect('Shop!')
      .check((r) => expect(r.threads.focus).toBe('help'))
      .say('cancel')
      .expect('cancelled')
      .check((r) => expect(r.threads.focus).toBe('home'));
    expect(asked).toHaveLength(1);
  });

  it('a brain that throws is a failure escape at its context, which intercepts it', async () => {
    const { services } = brains(() => {
      throw new Error('connection refused');
    });
    await converse(bot, { nlu, services })
      .say('help')
      .say('billing')
      .expect('billing expert is away', 'What else?')
      .check((r) => {
        expect(r.problems).toEqual([
          expect.objectContaining({ code: 'SERVICE_FAILED', context: 'help', stage: 'expert.thinking', message: expect.stringContaining('connection refused') }),
        ]);
        expect(r.events).toContainEqual({ type: 'escape', kind: 'failure', context: 'help', handledBy: 'help' });
      });
  });

  it('a malformed answer is a failure naming the field that is wrong', async () => {
    const { services } = brains(() => ({ replies: ['fine', 42] }));
    await converse(bot, { nlu, services })
      .say('help')
      .say('billing')
      .expect('billing expert is away')
      .check((r) => expect(r.problems[0]?.message).toContain('`replies[1]` must be a string (got number 42)'));
  });

  it('no brain configured: a failure that says how to configure it', async () => {
    await converse(bot, { nlu })
      .say('help')
      .say('billing')
      .expect('billing expert is away')
      .check((r) => expect(r.problems[0]?.message).toContain('BRAINS={"billing"'));
  });
});

describe('brainContext: a context that is all brain', () => {
  it('the message that opened its thread goes to the brain; the context ends with the brain\'s result', async () => {
    const { services, asked } = brains(() => ({ replies: ['We open at nine.'], result: { topic: 'hours' } }));
    await converse(bot, { nlu, services })
      .say('a question: when do you open?')
      .expect('We open at nine.', 'What else?')
      .check((r) =>
        expect(r.events).toEqual([
          { type: 'context.finished', context: 'faq', thread: 'faq', result: { status: 'done', topic: 'hours' } },
        ]),
      );
    expect(asked[0]).toMatchObject({ stage: 'faq.asking', message: { text: 'a question: when do you open?', intent: 'faq' }, memory: {} });
  });

  it('`sorry`: a failing brain ends the context as failed, politely', async () => {
    const { services } = brains(() => 'not json');
    await converse(bot, { nlu, services })
      .say('a question')
      .expect('The FAQ is not available.', 'What else?')
      .check((r) => {
        expect(r.events).toContainEqual({ type: 'context.finished', context: 'faq', thread: 'faq', result: { status: 'failed' } });
        expect(r.problems[0]?.message).toContain('the body must be a JSON object (got string "not json")');
      });
  });
});

describe('parseBrainAnswer names the field that is wrong', () => {
  it.each([
    [null, '(body)', 'the body must be a JSON object (got null)'],
    [[], '(body)', 'got an array'],
    [{}, 'replies', '`replies` is missing'],
    [{ replies: 'hi' }, 'replies', '`replies` must be an array of strings (got string "hi")'],
    [{ replies: [], result: [] }, 'result', '`result` must be a JSON object (got an array)'],
    [{ replies: [], result: { status: 'x' } }, 'result.status', "`result.status` is Parley's own"],
    [{ stay: 'yes' }, 'stay', '`stay` must be true or false'],
    [{ stay: true, result: {} }, 'result', '`result` cannot come with `stay: true`'],
  ])('%j → %s', (body, field, message) => {
    expect(() => parseBrainAnswer('faq', body)).toThrow(expect.objectContaining({ field, message: expect.stringContaining(message) }));
  });

  it('accepts the two answers', () => {
    expect(parseBrainAnswer('faq', { replies: ['a'], result: { x: 1 } })).toEqual({ stay: false, replies: ['a'], result: { x: 1 } });
    expect(parseBrainAnswer('faq', { replies: ['a'] })).toEqual({ stay: false, replies: ['a'], result: {} });
    expect(parseBrainAnswer('faq', { stay: true })).toEqual({ stay: true, replies: [] });
  });
});
