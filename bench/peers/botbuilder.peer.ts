import {
  BotAdapter,
  ConversationState,
  MemoryStorage,
  TurnContext,
  UserState,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder-core';
import {
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  TextPrompt,
  WaterfallDialog,
  type DialogState,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { ClassifiedTurn, OrderRunner } from '../../scripts/bench/juice-order';

/**
 * The juice order on botbuilder-dialogs 4 (Bot Framework), written as its docs teach: an `order` waterfall of text
 * prompts, the membership signup as a nested ComponentDialog with a validated phone prompt, conversation and user
 * state in MemoryStorage (loaded at the start of a turn, saved at its end), each turn through the adapter's
 * middleware pipeline. The NLU's reading of each message (the same for every framework) rides on the turn state.
 */
const UNDERSTOOD = Symbol('understood');

interface Customer {
  orders: number;
  member: boolean;
  lastOrder?: { flavor: string; ice: boolean; package: string };
}

interface OrderValues {
  flavor?: string;
  ice?: boolean;
  package?: 'cup' | 'bowl';
}

const understood = (context: TurnContext): ClassifiedTurn => context.turnState.get<ClassifiedTurn>(UNDERSTOOD);
const entity = (turn: ClassifiedTurn, name: string) => turn.entities.find((e) => e.name === name)?.value;
const PACKAGES = { cup: '杯装', bowl: '碗装' } as const;

/** Replies are collected instead of sent. */
class CollectingAdapter extends BotAdapter {
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const replies = context.turnState.get<string[]>('replies');
    return activities.map((activity, i) => {
      replies.push(activity.text ?? '');
      return { id: String(i) };
    });
  }
  async updateActivity(): Promise<void> {
    throw new Error('not used');
  }
  async deleteActivity(): Promise<void> {
    throw new Error('not used');
  }
  async continueConversation(_reference: Partial<ConversationReference>): Promise<void> {
    throw new Error('not used');
  }
  process(
    activity: Partial<Activity>,
    input: ClassifiedTurn,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<string[]> {
    const context = new TurnContext(this, activity);
    const replies: string[] = [];
    context.turnState.set('replies', replies);
    context.turnState.set(UNDERSTOOD, input);
    return this.runMiddleware(context, logic).then(() => replies);
  }
}

export function botbuilderRunner(): OrderRunner {
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  const customerProperty = userState.createProperty<Customer>('customer');
  const dialogs = new DialogSet(dialogState);

  const member = new ComponentDialog('member');
  member.addDialog(
    new WaterfallDialog('signup', [
      async (step) => step.prompt('name', '好的, 请问怎么称呼您?'),
      async (step) => {
        const name = String(step.result);
        (step.values as { name?: string }).name = name;
        const ask = `${name}您好, 请留一个手机号。`;
        return step.prompt('phone', { prompt: ask, retryPrompt: ask });
      },
      async (step) => {
        const customer = await customerProperty.get(step.context, { orders: 0, member: false });
        customer.member = true;
        await step.context.sendActivity('会员办理成功! 以后买果汁一律8折。');
        return step.endDialog(true);
      },
    ]),
  );
  // The first dialog added is the component's initial one.
  member.addDialog(new TextPrompt('name'));
  member.addDialog(
    new TextPrompt('phone', async (prompt) => {
      if (entity(understood(prompt.context), 'phone') !== undefined) return true;
      // A prompt re-asks only when nothing was sent during the turn: the validator says both, as the juice bot does.
      await prompt.context.sendActivities([
        { type: 'message', text: '手机号格式不对, 应该是11位数字。' },
        {
          type: 'message',
          text: typeof prompt.options.prompt === 'string' ? prompt.options.prompt : (prompt.options.prompt?.text ?? ''),
        },
      ]);
      return false;
    }),
  );

  const order = new WaterfallDialog('order', [
    async (step) => step.prompt('text', '请问您要什么口味? 我们有苹果、橙子、西瓜, 每杯15元。'),
    async (step) => {
      values(step).flavor = String(entity(understood(step.context), 'flavor') ?? '');
      return step.prompt('text', '要加冰吗?');
    },
    async (step) => {
      values(step).ice = entity(understood(step.context), 'ice') === 'yes';
      return step.prompt('text', '请问要杯装还是碗装?');
    },
    async (step) => {
      values(step).package = entity(understood(step.context), 'package') === 'bowl' ? 'bowl' : 'cup';
      const customer = await customerProperty.get(step.context, { orders: 0, member: false });
      if (customer.member) return step.next(false);
      return step.prompt('text', '办理会员可以享受8折优惠, 要办理吗?');
    },
    async (step) => {
      if (understood(step.context).intent === 'affirm') return step.beginDialog('member');
      return step.next(false);
    },
    async (step) => {
      const customer = await customerProperty.get(step.context, { orders: 0, member: false });
      return step.prompt('text', customer.member ? '会员8折, 请付12元。' : '请付15元。');
    },
    async (step) => {
      const customer = await customerProperty.get(step.context, { orders: 0, member: false });
      const v = values(step);
      customer.orders++;
      customer.lastOrder = { flavor: v.flavor!, ice: v.ice!, package: v.package! };
      await step.context.sendActivity(
        `支付成功! 您的${v.flavor}汁, ${v.ice ? '加冰' : '常温'}, ${PACKAGES[v.package!]}马上就好。`,
      );
      await step.context.sendActivity('还有什么可以帮您?');
      return step.endDialog();
    },
  ]);
  dialogs.add(new TextPrompt('text'));
  dialogs.add(member);
  dialogs.add(order);

  const adapter = new CollectingAdapter();
  let activityId = 0;
  return {
    name: 'botbuilder',
    description: 'botbuilder-dialogs 4.23 (waterfall + nested ComponentDialog + prompts, MemoryStorage)',
    async turn(conversationId: string, userId: string, input: ClassifiedTurn): Promise<string[]> {
      const activity: Partial<Activity> = {
        type: 'message',
        id: String(activityId++),
        text: input.text,
        channelId: 'bench',
        conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: userId, name: userId },
        recipient: { id: 'juice', name: 'juice' },
      };
      return adapter.process(activity, input, async (context) => {
        const dc = await dialogs.createContext(context);
        const result = await dc.continueDialog();
        if (result.status === DialogTurnStatus.empty && input.intent === 'order.juice') await dc.beginDialog('order');
        await conversationState.saveChanges(context);
        await userState.saveChanges(context);
      });
    },
  };
}

function values(step: WaterfallStepContext): OrderValues {
  return step.values;
}
