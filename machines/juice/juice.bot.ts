import { defineBot, handoff, openThread, push, reply } from '@parley/dialogue-core';
import { forecast } from './forecast.service';
import { home } from './home.context';
import { ingredients } from './ingredients.context';
import { toVersion2, toVersion3 } from './juice.migrations';
import { member } from './member.context';
import { order } from './order.context';
import { weather } from './weather.context';

const GREETING = '您好, 欢迎光临果汁店! 我可以帮您买果汁、查天气、办会员。';

/** 果汁店: Parley's demo bot (its behaviour is specified in docs/juice.md). */
export const juice = defineBot({
  id: 'juice',
  version: 3,
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  home: 'home',
  contexts: [home, order, member, weather, ingredients],
  intents: {
    'order.juice': openThread('order'),
    'order.resume': openThread('order'),
    'weather.ask': openThread('weather'),
    'member.join': openThread('member'),
    'ask.ingredients': openThread('ingredients'),
    // «转人工»: a person at the shop takes over until they give the conversation back (docs/juice.md).
    human: { actions: handoff({ reason: '顾客要求人工服务', say: '好的, 正在为您转人工客服, 请稍候。' }) },
    greet: reply(GREETING),
    help: reply(
      '我可以帮您买果汁(苹果、橙子、西瓜, 每杯15元, 会员8折)、查天气、办会员。说"上一步"可以返回, 说"取消"可以取消当前的事。',
    ),
  },
  events: {
    // Scheduled at payment (JUICE_READY_SECONDS later): pushed whatever the conversation is doing meanwhile.
    'order.ready': push(({ event }) =>
      typeof event.order === 'string' ? `您的果汁做好了(${event.order}), 请到柜台取。` : '您的果汁做好了, 请到柜台取。',
    ),
    // WeChat: a user follows the shop's official account.
    subscribe: push(GREETING),
  },
  messages: {
    notUnderstood: '不好意思, 我没听懂。',
    cannotGoBack: '不能再后退了。',
    failure: '抱歉, 出了点问题。',
    cancelled: '好的, 已取消。',
    rejected: '抱歉, 这个不行。',
    goodbye: '再见, 欢迎下次再来!',
    goodbyeUnfinished: '好的, 刚才的事先不办了。再见, 欢迎下次再来!',
    nothingToCancel: '现在没有要取消的事。',
    reset: '抱歉, 我们的对话出了点问题, 我们重新开始吧。',
    waiting: '这件事还在等结果, 有消息我会通知您。',
  },
  nlu: { kind: 'builtin' },
  migrations: { 2: toVersion2, 3: toVersion3 },
  services: { forecast },
});
