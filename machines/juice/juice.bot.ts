import { defineBot, openThread, push, reply } from '@parley/dialogue-core';
import { forecast } from './forecast.service';
import { home } from './home.context';
import { toVersion2 } from './juice.migrations';
import { member } from './member.context';
import { order } from './order.context';
import { weather } from './weather.context';

const GREETING = '您好, 欢迎光临果汁店! 我可以帮您买果汁、查天气、办会员。';

/** 果汁店: Parley's demo bot (its behaviour is specified in docs/juice.md). */
export const juice = defineBot({
  id: 'juice',
  version: 2,
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  home: 'home',
  contexts: [home, order, member, weather],
  intents: {
    'order.juice': openThread('order'),
    'order.resume': openThread('order'),
    'weather.ask': openThread('weather'),
    'member.join': openThread('member'),
    greet: reply(GREETING),
    help: reply(
      '我可以帮您买果汁(苹果、橙子、西瓜, 每杯15元, 会员8折)、查天气、办会员。说"上一步"可以返回, 说"取消"可以取消当前的事。',
    ),
  },
  // A platform's "followed the account" event (WeChat's subscribe): the shop says hello.
  events: { subscribe: push(GREETING) },
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
  migrations: { 2: toVersion2 },
  services: { forecast },
});
