import type { IntentEvent } from '@parley/dialogue-core';
import { readySeconds } from './juice.settings';
import { juiceKit } from './kit';
import { member } from './member.context';
import { describeOrder, isOnMenu, MENU, MEMBER_PRICE, NEW_CUSTOMER, PRICE, type Flavor } from './menu';

interface OrderData {
  flavor: Flavor | null;
  ice: boolean | null;
  package: 'cup' | 'bowl' | null;
  /** Unknown flavors asked for in a row. */
  misses: number;
  member: boolean;
  /** Something said in the utterance that opened the order (a returning customer is then not offered a repeat). */
  saidEarly: boolean;
}

const { defineContext, ask, form, dependOn, say, update, remember, schedule, when, escape, propagate, entity } =
  juiceKit.context<OrderData>();

/** Seconds from payment to «您的果汁做好了» (JUICE_READY_SECONDS, read when the bot is defined). */
const READY_SECONDS = readySeconds();

/** The ice a message asks for: «常温» is no ice; a bare yes/no counts only when the ice question is the one asked. */
function iceOf(event: IntentEvent, asked: boolean): boolean | undefined {
  const ice = entity(event, 'ice');
  if (ice !== undefined) return ice === 'yes';
  if (asked && event.intent === 'affirm') return true;
  if (asked && event.intent === 'deny') return false;
  return undefined;
}

/** The slots an utterance gives on its own (no question asked): «我想要苹果汁, 常温哈» gives a flavor and the ice. */
function slotsIn(event: IntentEvent | undefined): Partial<OrderData> {
  if (!event) return {};
  const found: Partial<OrderData> = {};
  const flavor = entity(event, 'flavor');
  if (isOnMenu(flavor)) found.flavor = flavor;
  const ice = iceOf(event, false);
  if (ice !== undefined) found.ice = ice;
  const pack = entity(event, 'package');
  if (pack !== undefined) found.package = pack;
  return found;
}

const offMenu = (event: IntentEvent) => {
  const flavor = entity(event, 'flavor');
  return flavor !== undefined && !isOnMenu(flavor);
};

const PACKAGES = { cup: '杯装', bowl: '碗装' } as const;

/**
 * Ordering juice: flavor → ice → package (a form: slots said early or in answer to another question are taken, a
 * change is acknowledged) → membership offer (the nested `member` context) → pay. A returning customer is offered
 * the last order again.
 */
export const order = defineContext({
  id: 'order',
  description: 'Order a juice: 苹果, 橙子 or 西瓜, 15元 (members 12元).',
  memory: { customer: { scope: 'user', initial: NEW_CUSTOMER } },
  context: ({ input }) => {
    const early = slotsIn(input.trigger?.type.startsWith('intent.') ? (input.trigger as IntentEvent) : undefined);
    return {
      flavor: early.flavor ?? null,
      ice: early.ice ?? null,
      package: early.package ?? null,
      misses: 0,
      member: false,
      saidEarly: Object.keys(early).length > 0,
    };
  },
  initial: 'start',
  stages: {
    start: { always: [{ guard: 'isReturning', target: 'confirmingRepeat' }, { target: 'ordering' }] },
    confirmingRepeat: ask({
      prompt: ({ memory }) => {
        const customer = memory.customer ?? NEW_CUSTOMER;
        const last = customer.lastOrder ? describeOrder(customer.lastOrder) : '';
        return `欢迎第${customer.orders + 1}次光临! 还和上次一样吗? 上次是${last}。`;
      },
      choices: ['好的', '不要'],
      on: {
        'intent.affirm': { target: 'ordering', actions: update(({ memory }) => ({ ...memory.customer?.lastOrder })) },
        'intent.deny': 'ordering',
        'intent.*': {
          guard: when(({ event }) => Object.keys(slotsIn(event)).length > 0),
          target: 'ordering',
          actions: update(({ event }) => slotsIn(event)),
        },
      },
    }),
    ordering: form({
      slots: {
        flavor: {
          prompt: '请问您要什么口味? 我们有苹果、橙子、西瓜, 每杯15元。',
          choices: MENU,
          fill: (event) => {
            const flavor = entity(event, 'flavor');
            return isOnMenu(flavor) ? flavor : undefined;
          },
          // Understood, but not on the menu: «没有», and the third time in a row the order is dropped.
          on: {
            'intent.*': [
              {
                guard: when(({ event, context }) => offMenu(event) && context.misses >= 2),
                actions: [
                  say(({ event }) => `抱歉, 我们也没有${String(entity(event, 'flavor'))}。`),
                  escape('failure', 'three unknown flavors'),
                ],
              },
              {
                guard: when(({ event }) => offMenu(event)),
                target: 'flavor',
                reenter: true,
                actions: [
                  say(({ event }) => `抱歉, 我们没有${String(entity(event, 'flavor'))}。`),
                  update(({ context }) => ({ misses: context.misses + 1 })),
                ],
              },
            ],
          },
        },
        ice: { prompt: '要加冰吗?', choices: ['加冰', '不加冰'], fill: (event, { asked }) => iceOf(event, asked) },
        package: { prompt: '请问要杯装还是碗装?', choices: ['杯装', '碗装'], fill: (event) => entity(event, 'package') },
      },
      changed: ({ slot, to }) =>
        slot === 'flavor'
          ? `好的, 换成${String(to)}汁。`
          : slot === 'ice'
            ? `好的, 改成${to === true ? '加冰' : '常温'}。`
            : `好的, 改成${PACKAGES[to as 'cup' | 'bowl']}。`,
      onDone: [{ guard: 'isMember', target: 'paying', actions: update({ member: true }) }, { target: 'offeringMembership' }],
    }),
    offeringMembership: dependOn(member, {
      input: { mode: 'offer' },
      onDone: { done: { target: 'paying', actions: update(({ event }) => ({ member: event.output.member })) } },
    }),
    paying: ask({
      prompt: ({ context }) => (context.member ? `会员8折, 请付${MEMBER_PRICE}元。` : `请付${PRICE}元。`),
      choices: ['付款', '取消'],
      on: {
        'intent.pay': 'paid',
        'intent.affirm': 'paid',
      },
    }),
    paid: {
      type: 'final',
      entry: [
        say(({ context }) => `支付成功! 您的${describeOrder(summaryOf(context))}马上就好。`),
        remember('customer', ({ context, memory }) => {
          const customer = memory.customer ?? NEW_CUSTOMER;
          return { ...customer, orders: customer.orders + 1, lastOrder: summaryOf(context) };
        }),
        // A durable timer: «您的果汁做好了» is pushed later, whichever instance is up (the bot's `order.ready`).
        schedule({
          inMs: READY_SECONDS * 1000,
          event: ({ context }) => ({ type: 'order.ready', order: describeOrder(summaryOf(context)) }),
        }),
      ],
      output: { status: 'done' },
    },
  },
  guards: {
    isReturning: ({ memory, context }) => {
      const customer = memory.customer ?? NEW_CUSTOMER;
      return customer.orders > 0 && customer.lastOrder !== null && !context.saidEarly;
    },
    isMember: ({ memory }) => memory.customer?.member === true,
  },
  onCancel: { actions: [say('好的, 您的订单已取消。'), propagate()] },
  // Back from a person at the shop (after «转人工»): the order goes on where it was.
  onReturn: { actions: say('客服已经处理完毕, 我们继续点单。') },
  onFailure: { actions: [say('不好意思, 订单先取消了。'), propagate()] },
});

/** The order as remembered (every slot is filled once the form is done). */
function summaryOf(context: OrderData) {
  return { flavor: context.flavor ?? '苹果', ice: context.ice ?? false, package: context.package ?? 'cup' } as const;
}
