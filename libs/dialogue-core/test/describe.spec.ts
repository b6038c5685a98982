import { describeBot, describeConversation, converse } from '@parley/dialogue-core';
import { forecastService, shop, shopNlu } from './shop.bot';

describe('describeBot', () => {
  it('walks every context of a bot by key, without running it', () => {
    const outline = describeBot(shop);
    expect(outline.contexts.map((c) => c.id)).toEqual([
      'home',
      'order',
      'member',
      'voucher',
      'weather',
      'menu',
      'survey',
      'broken',
    ]);
    const order = outline.contexts.find((c) => c.id === 'order')!;
    expect(order.dependsOn).toEqual(['member', 'voucher']);
    expect(order.stages).toEqual(expect.arrayContaining(['askingFlavor', 'offeringMembership', 'paying']));
    expect(order.questions).toMatchObject({
      askingFlavor: 'Which flavor? apple, orange or melon.',
      paying: '(computed)',
    });
    expect(order.intents).toEqual(['affirm', 'deny', 'flavors', 'pay', 'payOnline', 'voucher']);
    expect(outline.intents).toEqual(expect.arrayContaining(['order.juice', 'weather.ask']));
  });
});

describe('describeConversation', () => {
  it('shows the state tree, focus, stacks and pending question of a stored conversation', async () => {
    const c = converse(shop, { nlu: shopNlu, services: forecastService() });
    await c.say('I want juice').say('apple').say('large').say('weather');
    const view = describeConversation(shop, c.state!);
    expect(view.status).toBe('active');
    expect(view.threads).toEqual({ focus: 'weather', sleeping: ['order'], yielding: [], blocking: [] });
    expect(view.pendingQuestion).toBe('Which city?');
    expect(view.backSteps).toBe(3);
    const order = view.tree.children.find((child) => child.id === 'order')!;
    expect(order.value).toBe('offeringMembership');
    expect(order.children.map((child) => [child.id, child.value])).toEqual([['member', 'offering']]);
  });
});
