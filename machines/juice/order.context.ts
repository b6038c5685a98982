import {
  ask,
  defineContext,
  dependOn,
  entity,
  escape,
  propagate,
  remember,
  say,
  update,
  when,
  type DialogueArgs,
} from '@parley/dialogue-core';
import { describeOrder, isOnMenu, MEMBER_PRICE, NEW_CUSTOMER, PRICE, type Customer } from './menu';

interface OrderData {
  flavor: string | null;
  ice: boolean | null;
  package: 'cup' | 'bowl' | null;
  /** Unknown flavors asked for in a row. */
  misses: number;
  member: boolean;
  /** Something said in the utterance that opened the order (a returning customer is then not offered a repeat). */
  saidEarly: boolean;
}

/** The slots an utterance fills: «我想要苹果汁, 常温哈» gives a flavor and the ice at once. */
function slots(event: any): Partial<OrderData> {
  const found: Partial<OrderData> = {};
  const flavor = entity(event, 'flavor');
  if (isOnMenu(flavor)) found.flavor = flavor;
  const ice = entity(event, 'ice');
  if (ice === 'yes' || ice === 'no') found.ice = ice === 'yes';
  const pack = entity(event, 'package');
  if (pack === 'cup' || pack === 'bowl') found.package = pack;
  return found;
}

const offMenu = (event: any) => {
  const flavor = entity(event, 'flavor');
  return flavor !== undefined && !isOnMenu(flavor);
};
const customerOf = ({ memory }: DialogueArgs) => (memory.customer as Customer | undefined) ?? NEW_CUSTOMER;
const fill = update(({ event }) => ({ ...slots(event) }));
/** An answer to another question than the one asked («杯装» while asked about ice): taken, then the question again. */
const otherSlots = {
  guard: when(({ event }) => Object.keys(slots(event)).length > 0),
  target: 'next',
  actions: fill,
};

/**
 * Ordering juice: flavor → ice → package → membership offer (a nested `member` context) → pay.
 * Slots said early are taken, in the opening utterance or in answer to another question; a returning customer is
 * offered the last order again.
 */
export const order = defineContext({
  id: 'order',
  description: 'Order a juice: 苹果, 橙子 or 西瓜, 15元 (members 12元).',
  memory: { customer: { scope: 'user', initial: NEW_CUSTOMER as any } },
  context: ({ input }): OrderData => {
    const early = slots(input.trigger);
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
    start: { always: [{ guard: 'isReturning', target: 'confirmingRepeat' }, { target: 'next' }] },
    // Ask for whatever is still missing, in order.
    next: {
      always: [
        { guard: ({ context }: any) => context.flavor === null, target: 'askingFlavor' },
        { guard: ({ context }: any) => context.ice === null, target: 'askingIce' },
        { guard: ({ context }: any) => context.package === null, target: 'askingPackage' },
        { guard: 'isMember', target: 'paying', actions: update({ member: true }) },
        { target: 'offeringMembership' },
      ],
    },
    confirmingRepeat: ask({
      prompt: (args) => {
        const customer = customerOf(args);
        return `欢迎第${customer.orders + 1}次光临! 还和上次一样吗? 上次是${describeOrder(customer.lastOrder!)}。`;
      },
      on: {
        'intent.affirm': { target: 'next', actions: update((args) => ({ ...customerOf(args).lastOrder })) },
        'intent.deny': 'askingFlavor',
        'intent.*': { guard: when(({ event }) => Object.keys(slots(event)).length > 0), target: 'next', actions: fill },
      },
    }),
    askingFlavor: ask({
      prompt: '请问您要什么口味? 我们有苹果、橙子、西瓜, 每杯15元。',
      on: {
        'intent.*': [
          {
            guard: when(({ event }) => slots(event).flavor !== undefined),
            target: 'next',
            actions: [fill, update({ misses: 0 })],
          },
          {
            guard: when(({ event, context }) => offMenu(event) && context.misses >= 2),
            actions: [
              say(({ event }) => `抱歉, 我们也没有${String(entity(event, 'flavor'))}。`),
              escape('failure', 'three unknown flavors'),
            ],
          },
          {
            guard: when(({ event }) => offMenu(event)),
            target: 'askingFlavor',
            reenter: true,
            actions: [
              say(({ event }) => `抱歉, 我们没有${String(entity(event, 'flavor'))}。`),
              update(({ context }) => ({ misses: context.misses + 1 })),
            ],
          },
          otherSlots,
        ],
      },
    }),
    askingIce: ask({
      prompt: '要加冰吗?',
      on: {
        'intent.*': [
          { guard: when(({ event }) => slots(event).ice !== undefined), target: 'next', actions: fill },
          otherSlots,
        ],
        'intent.affirm': [
          { guard: when(({ event }) => slots(event).ice !== undefined), target: 'next', actions: fill },
          { target: 'next', actions: update({ ice: true }) },
        ],
        'intent.deny': [
          { guard: when(({ event }) => slots(event).ice !== undefined), target: 'next', actions: fill },
          { target: 'next', actions: update({ ice: false }) },
        ],
      },
    }),
    askingPackage: ask({
      prompt: '请问要杯装还是碗装?',
      on: {
        'intent.*': [
          { guard: when(({ event }) => slots(event).package !== undefined), target: 'next', actions: fill },
          otherSlots,
        ],
      },
    }),
    offeringMembership: dependOn('member', {
      input: { mode: 'offer' },
      onDone: {
        done: { target: 'paying', actions: update(({ event }) => ({ member: event.output.member === true })) },
      },
    }),
    paying: ask({
      prompt: ({ context }) => (context.member ? `会员8折, 请付${MEMBER_PRICE}元。` : `请付${PRICE}元。`),
      on: {
        'intent.pay': 'paid',
        'intent.affirm': 'paid',
      },
    }),
    paid: {
      type: 'final',
      entry: [
        say(({ context }) => `支付成功! 您的${describeOrder(context)}马上就好。`),
        remember('customer', (args) => {
          const { context } = args;
          const customer = customerOf(args);
          return {
            ...customer,
            orders: customer.orders + 1,
            lastOrder: { flavor: context.flavor, ice: context.ice, package: context.package },
          };
        }),
      ],
      output: { status: 'done' },
    },
  },
  guards: {
    isReturning: (args) => {
      const customer = customerOf(args);
      return customer.orders > 0 && customer.lastOrder !== null && !args.context.saidEarly;
    },
    isMember: (args) => customerOf(args).member === true,
  },
  onCancel: { actions: [say('好的, 您的订单已取消。'), propagate()] },
  onFailure: { actions: [say('不好意思, 订单先取消了。'), propagate()] },
});
