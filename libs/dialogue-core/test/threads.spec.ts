import { converse, defineBot } from '@parley/dialogue-core';
import { forecastService, shop, shopNlu, shopSpec } from './shop.bot';

const start = () => converse(shop, { nlu: shopNlu, services: forecastService() });

describe('threads: sleep, fallback and wake', () => {
  it('puts the order to sleep for the weather and wakes it when the weather ends, re-asking its question', async () => {
    await start()
      .say('I want juice')
      .say('apple')
      .expect('Small or large?')
      .say('weather in Paris tomorrow')
      .expect('Paris tomorrow: sunny', 'Anything else about the weather?')
      .check((r) => expect(r.threads).toEqual({ focus: 'weather', sleeping: ['order'], yielding: [], blocking: [] }))
      .say('nothing')
      .expect('Small or large?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: [], yielding: [], blocking: [] }));
  });

  it('wakes a sleeping thread explicitly, putting the focused one to sleep', async () => {
    await start()
      .say('I want juice')
      .expect('Which flavor?')
      .say('what is the weather')
      .expect('Which city?')
      .say('continue my order')
      .expect('Which flavor?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: ['weather'], yielding: [], blocking: [] }))
      .say('apple')
      .expect('Small or large?')
      .say('large')
      .say('no')
      .say('pay')
      .expect('Paid: large apple juice.', 'Which city?')
      .check((r) => expect(r.threads.focus).toBe('weather'));
  });

  it('wakes sleepers most recent first', async () => {
    await start()
      .say('I want juice')
      .say('become a member')
      .expect('Your name?')
      .say('weather')
      .expect('Which city?')
      .check((r) => expect(r.threads.sleeping).toEqual(['order', 'member']))
      .say('Paris')
      .say('today')
      .say('nothing')
      .expect('Your name?')
      .say('cancel')
      .expect('OK, no membership.', 'Which flavor?');
  });

  it('sleepTo from inside a context: the order sleeps while the menu runs, then wakes', async () => {
    await start()
      .say('I want juice')
      .expect('Which flavor?')
      .say('what flavors do you have')
      .expect('We sell apple, orange and melon juice. Order one?')
      .check((r) => expect(r.threads).toEqual({ focus: 'menu', sleeping: ['order'], yielding: [], blocking: [] }))
      .say('no')
      .expect('Which flavor?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: [], yielding: [], blocking: [] }));
  });

  it('opening a running task again wakes it instead of starting a second one', async () => {
    await start()
      .say('I want juice')
      .say('melon')
      .expect('Small or large?')
      .say('weather')
      .say('I want juice')
      .expect('Small or large?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: ['weather'], yielding: [], blocking: [] }));
  });
});

describe('escapes', () => {
  it('an un-intercepted cancel exits the whole thread and falls back to home', async () => {
    await start()
      .say('I want juice')
      .say('apple')
      .say('cancel')
      .expect('Your order is cancelled.', 'What else can I do for you?')
      .check((r) => expect(r.threads.focus).toBe('home'))
      .check((r) => expect(Object.keys((r.state.snapshot as any).children)).toEqual(['home']));
  });

  it('a cancel intercepted by the inner context becomes a normal result and the caller goes on', async () => {
    await start()
      .say('I want juice')
      .say('apple')
      .say('large')
      .say('yes')
      .expect('Your name?')
      .say('never mind')
      .expect('OK, no membership.', 'Please pay $5.')
      .check((r) => expect(r.activePath).toEqual(['order.paying']))
      .say('cancel')
      .expect('Your order is cancelled.', 'What else can I do for you?');
  });

  it('a cancel falls back to the top sleeping thread and never reaches it', async () => {
    await start()
      .say('I want juice')
      .say('apple')
      .expect('Small or large?')
      .say('weather')
      .expect('Which city?')
      .say('cancel')
      .expect('Small or large?')
      .expectNot('Your order is cancelled.')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: [], yielding: [], blocking: [] }));
  });

  it('a level can ask to confirm an escape, then stop it or let it go on', async () => {
    const c = converse(shop, { nlu: shopNlu });
    await c
      .event('survey.due')
      .expect('How was your last juice, 1 to 5?')
      .say('cancel')
      .expect('Stop the survey?')
      .say('no')
      .expect('How was your last juice, 1 to 5?')
      .say('cancel')
      .expect('Stop the survey?')
      .say('yes')
      .expect('Survey stopped.', 'What else can I do for you?')
      .check((r) => expect(r.threads.focus).toBe('home'));
  });

  it('a failure escape raised by a context can be intercepted by that context', async () => {
    await start()
      .say('weather in Atlantis today')
      .expect("Sorry, I can't find that forecast.", 'What else can I do for you?')
      .check((r) => expect(r.threads.focus).toBe('home'));
  });

  it('three unknown flavors in a row become a failure escape that ends the order', async () => {
    await start()
      .say('I want juice')
      .say('grape')
      .expect('Sorry, we have no grape.', 'Which flavor?')
      .say('mango')
      .expect('Sorry, we have no mango.', 'Which flavor?')
      .say('durian')
      .expect("We don't have that either.", 'Sorry, the order is dropped.', 'What else can I do for you?')
      .check((r) => expect(r.threads.focus).toBe('home'));
  });

  it('an exception thrown inside a nested context becomes a failure escape the caller can intercept', async () => {
    await start()
      .say('I want juice')
      .say('apple')
      .say('large')
      .say('no')
      .expect('Please pay $5.')
      .say('use a voucher')
      .expect('Vouchers are unavailable right now.', 'Please pay $5.')
      .check((r) => expect(r.activePath).toEqual(['order.paying']));
  });

  it('an exception thrown at the top of a thread ends that thread, not the conversation', async () => {
    await start()
      .say('I want juice')
      .expect('Which flavor?')
      .say('crash')
      .expect('Sorry, something went wrong with that task.', 'Which flavor?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: [], yielding: [], blocking: [] }))
      .say('apple')
      .expect('Small or large?');
  });

  it('quit ends every thread; the next message starts afresh; user memory remains', async () => {
    const c = start();
    await c
      .say('become a member')
      .say('Ann')
      .say('13800138000')
      .expect('Welcome, member!')
      .say('I want juice')
      .say('weather')
      .say('bye')
      .expect('Goodbye!')
      .check((r) => expect(r.outcome).toBe('ended'))
      .say('I want juice')
      .expect('Which flavor?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: [], yielding: [], blocking: [] }))
      .say('apple')
      .say('small')
      .expect('Please pay $4.');
  });
});

describe('back step', () => {
  it('restores the previous turn and re-asks its question', async () => {
    await start()
      .say('I want juice')
      .expect('Which flavor?')
      .say('apple')
      .expect('Small or large?')
      .say('go back')
      .expect('Which flavor?')
      .check((r) => expect(r.outcome).toBe('back'))
      .say('orange')
      .expect('Small or large?')
      .say('large')
      .say('no')
      .expect('Please pay $5.')
      .say('pay')
      .expect('Paid: large orange juice.');
  });

  it('goes back at most three steps, then says it cannot', async () => {
    await start()
      .say('I want juice')
      .say('apple')
      .say('large')
      .say('yes')
      .expect('Your name?')
      .say('go back')
      .expect('Members get 20% off. Join?')
      .say('go back')
      .expect('Small or large?')
      .say('go back')
      .expect('Which flavor?')
      .say('go back')
      .expect("We can't go back any further.", 'Which flavor?')
      .check((r) => expect(r.outcome).toBe('cannotGoBack'));
  });

  it('does not count not-understood turns as steps', async () => {
    await start().say('I want juice').say('apple').say('qwerty').say('qwerty').say('go back').expect('Which flavor?');
  });
});

describe('back step and idle turns', () => {
  it('a turn that changed nothing (help, greeting) is not a step', async () => {
    await start()
      .say('I want juice')
      .say('apple')
      .expect('Small or large?')
      .say('hello')
      .expect('Hello, this is the juice shop.', 'Small or large?')
      .say('go back')
      .expect('Which flavor?');
  });

  it('an external event that changed the state cannot be undone by going back', async () => {
    await converse(shop, { nlu: shopNlu })
      .say('I want juice')
      .expect('Which flavor?')
      .event('survey.due')
      .expect('How was your last juice')
      .say('go back')
      .expect("We can't go back any further.")
      .check((r) => expect(r.threads.blocking).toEqual(['survey']));
  });

  it('an external event that changed nothing keeps the steps', async () => {
    await converse(shop, { nlu: shopNlu })
      .say('I want juice')
      .say('apple')
      .expect('Small or large?')
      .event('promo')
      .expect('Happy hour')
      .say('go back')
      .expect('Which flavor?');
  });
});

describe('back step depth', () => {
  it('keeps no steps at depth 0 (and the state does not grow)', async () => {
    const noBack = defineBot({ ...shopSpec, backDepth: 0 });
    const c = converse(noBack, { nlu: shopNlu });
    await c
      .say('I want juice')
      .say('apple')
      .say('large')
      .check((r) => expect(r.state.history).toEqual([]))
      .say('go back')
      .expect("We can't go back any further.", 'Members get 20% off. Join?');
  });

  it('keeps exactly the configured number of steps', async () => {
    const deep = defineBot({ ...shopSpec, backDepth: 5 });
    const c = converse(deep, { nlu: shopNlu });
    await c
      .say('I want juice')
      .say('apple')
      .say('large')
      .say('yes')
      .say('Ann')
      .say('123')
      .check((r) => expect(r.state.history).toHaveLength(5));
  });
});
