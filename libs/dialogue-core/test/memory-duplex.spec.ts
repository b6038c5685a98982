import { converse, InMemoryMemory } from '@parley/dialogue-core';
import { forecastService, shop, shopNlu } from './shop.bot';

describe('scoped memory', () => {
  it('user scope: same user, same data across conversations; other users are isolated', async () => {
    const memory = new InMemoryMemory();
    await converse(shop, { nlu: shopNlu, memory, userId: 'ann' })
      .say('become a member')
      .say('Ann')
      .say('13800138000')
      .expect('Welcome, member!');
    expect(memory.get('shop/user/ann', 'customer')).toEqual({ member: true, orders: 0 });
    await converse(shop, { nlu: shopNlu, memory, userId: 'ann', conversationId: 'c2' })
      .say('small apple juice')
      .expect('Please pay $4.')
      .say('pay')
      .expect('Paid: small apple juice.');
    expect(memory.get('shop/user/ann', 'customer')).toEqual({ member: true, orders: 1 });
    await converse(shop, { nlu: shopNlu, memory, userId: 'bob', conversationId: 'c3' })
      .say('small apple juice')
      .expect('Members get 20% off. Join?');
  });

  it('custom scope (city + date): the same scope gives the same data, read through the async port', async () => {
    const memory = new InMemoryMemory();
    const calls: string[] = [];
    const service = forecastService(calls);
    await converse(shop, { nlu: shopNlu, memory, services: service })
      .say('weather in Paris tomorrow')
      .expect('Paris tomorrow: sunny, 15 to 23 degrees')
      .say('nothing');
    await converse(shop, { nlu: shopNlu, memory, services: service, userId: 'other', conversationId: 'c2' })
      .say('weather in Paris tomorrow')
      .expect('Paris tomorrow: sunny, 15 to 23 degrees (cached)')
      .say('nothing')
      .say('weather in Paris today')
      .expect('Paris today: sunny, 15 to 23 degrees')
      .expectNot('cached');
    expect(calls).toEqual(['Paris/tomorrow', 'Paris/today']);
    expect(Object.keys(memory.dump()).sort()).toEqual([
      'shop/city=Paris/date=today#forecast',
      'shop/city=Paris/date=tomorrow#forecast',
    ]);
  });

  it('returns memory writes as effects instead of writing anything itself', async () => {
    const c = converse(shop, { nlu: shopNlu });
    await c
      .say('become a member')
      .say('Ann')
      .say('13800138000')
      .check((r) =>
        expect(r.effects).toEqual([
          { type: 'memory.write', scope: 'shop/user/user-1', name: 'customer', data: { member: true, orders: 0 } },
        ]),
      );
  });
});

describe('time limit on invoked actors', () => {
  it('a service that does not answer in time becomes a failure escape', async () => {
    await converse(shop, { nlu: shopNlu, services: forecastService(), timeLimitMs: 50 })
      .say('I want juice')
      .say('weather in Slowtown today')
      .expect("Sorry, I can't find that forecast.", 'Which flavor?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: [], yielding: [], blocking: [] }))
      // nothing in flight was persisted: the snapshot has no running service
      .check((r) => expect(JSON.stringify(r.state.snapshot)).not.toContain('forecast"'));
  });
});

describe('duplex', () => {
  it('an external event can push a message without disturbing the dialogue', async () => {
    await converse(shop, { nlu: shopNlu })
      .say('I want juice')
      .expect('Which flavor?')
      .event('promo')
      .expect('Happy hour: two for one!')
      .expectNot('Which flavor?')
      .say('apple')
      .expect('Small or large?');
  });

  it('a yielding thread leaves focus, the user chats elsewhere, an external event resolves it', async () => {
    await converse(shop, { nlu: shopNlu, services: forecastService() })
      .say('small apple juice')
      .say('no')
      .expect('Please pay $5.')
      .say('pay online')
      .expect('What else can I do for you?')
      .check((r) => expect(r.threads).toEqual({ focus: 'home', sleeping: [], yielding: ['order'], blocking: [] }))
      .say('weather in London today')
      .expect('London today: sunny')
      .event('payment.confirmed')
      .expect('Payment received, your juice is on its way.')
      .check((r) => expect(r.threads).toEqual({ focus: 'weather', sleeping: [], yielding: [], blocking: [] }))
      .check((r) => expect(Object.keys((r.state.snapshot as any).children).sort()).toEqual(['home', 'weather']))
      .say('nothing')
      .expect('What else can I do for you?');
  });

  it('a resolved thread that still has a question waits on the blocking stack and preempts at the next message', async () => {
    await converse(shop, { nlu: shopNlu, services: forecastService() })
      .say('small apple juice')
      .say('no')
      .say('pay online')
      .say('weather in London today')
      .expect('Anything else about the weather?')
      .event('payment.confirmed', { askReceipt: true })
      .expect('Payment received.')
      .check((r) => expect(r.threads).toEqual({ focus: 'weather', sleeping: [], yielding: [], blocking: ['order'] }))
      .say('yes')
      .expect('Receipt sent.', 'Anything else about the weather?')
      .check((r) => expect(r.threads).toEqual({ focus: 'weather', sleeping: [], yielding: [], blocking: [] }));
  });

  it('a yielding thread cannot be woken by the user before its result arrives', async () => {
    await converse(shop, { nlu: shopNlu })
      .say('small apple juice')
      .say('no')
      .say('pay online')
      .say('continue my order')
      .expect("That task is waiting for a result; I'll let you know.")
      .check((r) => expect(r.threads.yielding).toEqual(['order']));
  });

  it('a blocking thread takes focus at the next user message; the focused one sleeps and wakes after', async () => {
    await converse(shop, { nlu: shopNlu })
      .say('I want juice')
      .expect('Which flavor?')
      .event('survey.due')
      .expect('How was your last juice, 1 to 5?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: [], yielding: [], blocking: ['survey'] }))
      .say('4')
      .expect('Thanks for rating!', 'Which flavor?')
      .check((r) => expect(r.threads).toEqual({ focus: 'order', sleeping: [], yielding: [], blocking: [] }));
  });

  it('refuses an external event the bot does not declare, naming the declared ones', async () => {
    const c = converse(shop, { nlu: shopNlu });
    await c.say('I want juice');
    expect(shop.externalEvents).toEqual(['payment.confirmed', 'promo', 'survey.due']);
    await expect(c.event('nobody.listens')).rejects.toThrow(
      "The bot does not handle the external event 'nobody.listens'. It declares: payment.confirmed, promo, survey.due.",
    );
  });

  it('a declared event that nothing waits for right now changes nothing', async () => {
    const c = converse(shop, { nlu: shopNlu });
    await c.say('I want juice');
    const before = JSON.stringify(c.state!.snapshot);
    await c.event('payment.confirmed').check((r) => expect(r.replies).toEqual([]));
    expect(JSON.stringify(c.state!.snapshot)).toBe(before);
  });
});

describe('concurrent turns in one process', () => {
  it('keep their replies, memory and effects apart while a service is awaited', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const services = {
      forecast: async ({ city, date }: { city: string; date: string }) => {
        await gate;
        return `rainy in ${city} ${date}`;
      },
    };
    const memory = new InMemoryMemory();
    const slow = converse(shop, { nlu: shopNlu, services, memory, userId: 'ann', conversationId: 'a' });
    const fast = converse(shop, { nlu: shopNlu, services, memory, userId: 'bob', conversationId: 'b' });
    const waiting = slow.say('weather in London today').then((c) => c);
    await fast.say('become a member').say('Bob').say('13800138000').expect('Welcome, member!');
    release();
    const done = await waiting;
    expect(done.last.replies.map((r) => r.text)).toEqual([
      'London today: rainy in London today',
      'Anything else about the weather?',
    ]);
    expect(done.last.effects).toEqual([
      { type: 'memory.write', scope: 'shop/city=London/date=today', name: 'forecast', data: 'rainy in London today' },
    ]);
    expect(fast.last.effects).toEqual([
      { type: 'memory.write', scope: 'shop/user/bob', name: 'customer', data: { member: true, orders: 0 } },
    ]);
  });
});
