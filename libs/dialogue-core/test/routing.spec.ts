import { converse } from '@parley/dialogue-core';
import { forecastService, shop, shopNlu } from './shop.bot';

const start = () => converse(shop, { nlu: shopNlu, services: forecastService() });

describe('semi-open routing', () => {
  it('offers an utterance to the innermost context first', async () => {
    await start()
      .say('I want juice')
      .expect('Which flavor?')
      .say('apple')
      .expect('Small or large?')
      .say('large')
      .expect('Members get 20% off. Join?')
      // "yes" is handled by the member context, not by anything outside it
      .say('yes')
      .expect('Your name?')
      .check((r) => expect(r.activePath).toEqual(['order.offeringMembership', 'member.askingName']));
  });

  it('bubbles what the inner context does not handle out to bot-wide intents', async () => {
    await start()
      .say('I want juice')
      .expect('Which flavor?')
      .say('hello')
      .expect('Hello, this is the juice shop.', 'Which flavor?')
      .check((r) => expect(r.threads.focus).toBe('order'));
  });

  it('answers "not understood" and re-asks the pending question when nobody handles it', async () => {
    await start()
      .say('I want juice')
      .say('apple')
      .say('qwerty')
      .expect("Sorry, I didn't get that.", 'Small or large?')
      .check((r) => expect(r.outcome).toBe('notUnderstood'));
  });

  it('re-asks the home question when nothing is going on', async () => {
    await start().say('qwerty').expect("Sorry, I didn't get that.", 'What else can I do for you?');
  });

  it('takes slots said early from the utterance that opened the task', async () => {
    await start()
      .say('large orange juice please')
      .expect('Members get 20% off. Join?')
      .check((r) => expect(r.activePath[0]).toBe('order.offeringMembership'));
  });

  it('passes the intents open at the focused stage to the NLU', async () => {
    const seen: string[][] = [];
    const nlu = {
      understand: async (text: string, options: { openIntents: readonly string[] }) => {
        seen.push([...options.openIntents]);
        return shopNlu.understand(text, { bot: 'shop', locale: 'en', openIntents: options.openIntents });
      },
    };
    await converse(shop, { nlu, services: forecastService() }).say('I want juice').say('apple').say('large');
    // at the membership offer: the member context's own intents plus the bot-wide ones
    const atOffer = seen[2]!;
    expect(atOffer).toEqual(expect.arrayContaining(['order.juice', 'weather.ask', 'cancel', 'quit', 'back']));
    expect(seen[0]).not.toContain('affirm');
    const fourth = converse(shop, { nlu, services: forecastService() });
    await fourth.say('I want juice').say('apple').say('large').say('yes');
    expect(seen[seen.length - 1]).toEqual(expect.arrayContaining(['affirm', 'deny']));
  });
});

describe('dependOn', () => {
  it('delivers the child result to the caller: joined membership → member price', async () => {
    await start()
      .say('I want juice')
      .say('apple')
      .say('large')
      .say('yes')
      .say('Ann')
      .expect('Your phone number?')
      .say('123')
      .expect('That phone number looks wrong.', 'Your phone number?')
      .say('13800138000')
      .expect('Welcome, member!', 'Please pay $4.')
      .say('pay')
      .expect('Paid: large apple juice.', 'What else can I do for you?')
      .check((r) => expect(r.threads).toEqual({ focus: 'home', sleeping: [], yielding: [], blocking: [] }));
  });

  it('delivers a declined offer as a normal result: full price', async () => {
    await start().say('I want juice').say('apple').say('small').say('no').expect('Please pay $5.');
  });

  it('skips the offer for a member (user-scoped memory)', async () => {
    const first = start();
    await first.say('become a member').expect('Your name?').say('Bob').say('13800138000').expect('Welcome, member!');
    await converse(shop, { nlu: shopNlu, memory: first.memory, conversationId: 'c2' })
      .say('I want a small apple juice')
      .expect('Please pay $4.');
  });

  it('replaceTo: the menu replaces itself by the order, which then falls back to home', async () => {
    await start()
      .say('show me the menu')
      .expect('Order one?')
      .say('yes')
      .expect('Which flavor?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: [], yielding: [], blocking: [] }))
      .check((r) => expect(Object.keys((r.state.snapshot as any).children)).not.toContain('menu'))
      .say('cancel')
      .expect('Your order is cancelled.', 'What else can I do for you?');
  });
});
