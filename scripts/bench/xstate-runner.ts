import { assign, createActor, sendTo, setup, type AnyActorRef, type Snapshot } from 'xstate';
import type { ClassifiedTurn, OrderRunner } from './juice-order';

/**
 * The juice order on bare XState 5, with no Parley: the reference for what any engine built on XState's actors pays
 * for the same order. Written as XState's docs teach a nested conversation: a root machine that invokes the `order`
 * machine, which invokes the `member` signup machine; the root forwards each message to its child (`sendTo`), each
 * level waits for its child's `onDone`. Each turn restores the actor tree from the persisted snapshot's JSON and
 * writes it back (`restore`), or keeps the started actor between turns (`live`), the snapshot still written to JSON.
 * The customer (user memory) is kept in a Map, as MemoryStorage does for botbuilder.
 *
 * It does less than Parley's engine: no routing of intents across open tasks, no interruptions, back step, escapes,
 * transition bound or checks of the restored tree: it is the least an engine on XState's actors pays, not a peer.
 */
type Message = { type: 'message' } & ClassifiedTurn;

interface Customer {
  orders: number;
  member: boolean;
  lastOrder?: { flavor: string; ice: boolean; package: string };
}

const PACKAGES: Record<string, string> = { cup: '杯装', bowl: '碗装' };

/** XState's `types: {} as T` (type-only: XState reads nothing from the value). */
const typesOf = <T>(): T => ({}) as T;

const entity = (event: Message, name: string) => event.entities.find((e) => e.name === name)?.value;

export function xstateRunner(mode: 'restore' | 'live'): OrderRunner {
  const customers = new Map<string, Customer>();
  const customer = (userId: string): Customer => {
    let found = customers.get(userId);
    if (!found) customers.set(userId, (found = { orders: 0, member: false }));
    return found;
  };
  // The replies of the turn being run (the runner runs one turn at a time).
  let replies: string[] = [];
  const say = (text: string) => () => void replies.push(text);

  const member = setup({
    types: typesOf<{ context: { userId: string; name: string }; input: { userId: string }; events: Message }>(),
  }).createMachine({
    id: 'member',
    context: ({ input }) => ({ userId: input.userId, name: '' }),
    initial: 'askingName',
    states: {
      askingName: {
        entry: say('好的, 请问怎么称呼您?'),
        on: { message: { target: 'askingPhone', actions: assign({ name: ({ event }) => event.text }) } },
      },
      askingPhone: {
        entry: ({ context }) => replies.push(`${context.name}您好, 请留一个手机号。`),
        on: {
          message: [
            {
              guard: ({ event }) => entity(event, 'phone') !== undefined,
              target: 'done',
              actions: ({ context }) => {
                customer(context.userId).member = true;
                replies.push('会员办理成功! 以后买果汁一律8折。');
              },
            },
            { target: 'askingPhone', reenter: true, actions: say('手机号格式不对, 应该是11位数字。') },
          ],
        },
      },
      done: { type: 'final' },
    },
  });

  const order = setup({
    types: typesOf<{
      context: { userId: string; flavor: string; ice: boolean; package: string };
      input: { userId: string };
      events: Message;
    }>(),
    actors: { member },
  }).createMachine({
    id: 'order',
    context: ({ input }) => ({ userId: input.userId, flavor: '', ice: false, package: 'cup' }),
    initial: 'flavor',
    states: {
      flavor: {
        entry: say('请问您要什么口味? 我们有苹果、橙子、西瓜, 每杯15元。'),
        on: { message: { target: 'ice', actions: assign({ flavor: ({ event }) => String(entity(event, 'flavor')) }) } },
      },
      ice: {
        entry: say('要加冰吗?'),
        on: { message: { target: 'package', actions: assign({ ice: ({ event }) => entity(event, 'ice') === 'yes' }) } },
      },
      package: {
        entry: say('请问要杯装还是碗装?'),
        on: {
          message: {
            target: 'membership',
            actions: assign({ package: ({ event }) => (entity(event, 'package') === 'bowl' ? 'bowl' : 'cup') }),
          },
        },
      },
      membership: {
        always: [{ guard: ({ context }) => customer(context.userId).member, target: 'paying' }, { target: 'offering' }],
      },
      offering: {
        entry: say('办理会员可以享受8折优惠, 要办理吗?'),
        on: {
          message: [{ guard: ({ event }) => event.intent === 'affirm', target: 'signingUp' }, { target: 'paying' }],
        },
      },
      signingUp: {
        invoke: { id: 'member', src: 'member', input: ({ context }) => ({ userId: context.userId }), onDone: 'paying' },
        on: { message: { actions: sendTo('member', ({ event }) => event) } },
      },
      paying: {
        entry: ({ context }) => replies.push(customer(context.userId).member ? '会员8折, 请付12元。' : '请付15元。'),
        on: {
          message: {
            target: 'paid',
            actions: ({ context }) => {
              const c = customer(context.userId);
              c.orders++;
              c.lastOrder = { flavor: context.flavor, ice: context.ice, package: context.package };
              const ice = context.ice ? '加冰' : '常温';
              replies.push(`支付成功! 您的${context.flavor}汁, ${ice}, ${PACKAGES[context.package]}马上就好。`);
            },
          },
        },
      },
      paid: { type: 'final' },
    },
  });

  const bot = setup({
    types: typesOf<{ context: { userId: string }; input: { userId: string }; events: Message }>(),
    actors: { order },
  }).createMachine({
    id: 'juice',
    context: ({ input }) => ({ userId: input.userId }),
    initial: 'idle',
    states: {
      idle: {
        on: { message: { guard: ({ event }) => event.intent === 'order.juice', target: 'ordering' } },
      },
      ordering: {
        invoke: {
          id: 'order',
          src: 'order',
          input: ({ context }) => ({ userId: context.userId }),
          onDone: { target: 'idle', actions: say('还有什么可以帮您?') },
        },
        on: { message: { actions: sendTo('order', ({ event }) => event) } },
      },
    },
  });

  const stored = new Map<string, string>();
  const live = new Map<string, AnyActorRef>();
  return {
    name: `xstate-${mode}`,
    description:
      mode === 'restore'
        ? 'bare XState 5 (root → order → member invoked machines), restored from JSON each turn and written back'
        : 'bare XState 5, the started actor kept between turns, its snapshot still written to JSON',
    async turn(conversationId, userId, input) {
      replies = [];
      let actor = mode === 'live' ? live.get(conversationId) : undefined;
      if (!actor) {
        const json = stored.get(conversationId);
        const snapshot = json ? (JSON.parse(json) as Snapshot<unknown>) : undefined;
        actor = createActor(bot, { input: { userId }, ...(snapshot ? { snapshot } : {}) }).start();
        if (mode === 'live') live.set(conversationId, actor);
      }
      actor.send({ type: 'message', ...input });
      const written = JSON.stringify(actor.getPersistedSnapshot());
      if (mode === 'restore') {
        stored.set(conversationId, written);
        actor.stop();
      }
      return replies;
    },
    ended(conversationId) {
      live.get(conversationId)?.stop();
      live.delete(conversationId);
    },
  };
}
