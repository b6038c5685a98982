/** The juice bot's transcripts: docs/juice.md's T1–T5 and the rules no transcript shows. */
import { turn, type Transcript } from '../transcript';

const t = turn;

export const juiceTranscripts: Transcript[] = [
  {
    name: 'T1: order with nested membership signup, then pay',
    turns: [
      t('你好', '果汁店'),
      t('我想买果汁', '什么口味'),
      t('苹果', '加冰'),
      t('不加冰', '杯装还是碗装'),
      t('杯装', '会员', '要办理吗'),
      t('好啊', '怎么称呼'),
      t('李雷', '手机号'),
      t('123', '手机号格式不对'),
      t('13800138000', '会员办理成功', '请付12元'),
      t('好的', '支付成功', '苹果汁', '常温', '杯装', '还有什么可以帮您'),
    ],
  },
  {
    name: 'T2: the weather in the middle of an order (sleep / fallback), one-shot slots',
    turns: [
      t('我想要橙子汁, 常温哈', '杯装还是碗装'),
      t('长沙明天天气怎么样', '长沙', '明天', '度', '还有其它问题吗'),
      t('没有了', '杯装还是碗装'),
    ],
  },
  {
    name: 'T3: cancel inside membership is intercepted; cancel in the order is not',
    turns: [
      t('来杯西瓜汁', '加冰'),
      t('加冰', '杯装还是碗装'),
      t('碗装', '要办理吗'),
      t('好', '怎么称呼'),
      t('算了', '不办会员', '请付15元'),
      t('这么贵啊? 我不要了', '已取消', '还有什么可以帮您'),
    ],
  },
  {
    name: 'T4: back step, then quit and come back',
    turns: [
      t('我想买果汁', '什么口味'),
      t('苹果', '加冰'),
      t('上一步', '什么口味'),
      t('橙子', '加冰'),
      // Leaving in the middle of an order does not speak as if it had been done.
      t('再见', '先不办了', '再见'),
      { say: '我想买果汁', expect: ['什么口味'], expectNot: ['第2次'] },
    ],
  },
  {
    name: 'a cancel with nothing to cancel says so; a quit with nothing under way is a plain goodbye',
    turns: [
      { say: '你好', expect: ['果汁店'] },
      { say: '取消', expect: ['没有要取消的事', '还有什么可以帮您'], expectNot: ['已取消'] },
      { say: '再见', expect: ['再见'], expectNot: ['先不办了'] },
    ],
  },
  {
    name: 'T5: first-order weather with two missing slots, and an explicit wake',
    turns: [
      t('我想买果汁', '什么口味'),
      t('我想查询天气', '哪个城市'),
      t('长沙的', '哪天'),
      t('继续买果汁', '什么口味'),
      t('苹果', '加冰'),
    ],
  },
  {
    name: 'an unknown flavor three times in a row cancels the order',
    turns: [
      t('我想买果汁', '什么口味'),
      t('葡萄', '没有', '什么口味'),
      t('来个芒果的', '没有', '什么口味'),
      t('榴莲', '没有', '订单先取消', '还有什么可以帮您'),
    ],
  },
  {
    name: 'back step beyond the depth re-asks with "cannot go back"',
    turns: [
      t('我想买果汁', '什么口味'),
      t('苹果', '加冰'),
      t('不加冰', '杯装还是碗装'),
      t('杯装', '要办理吗'),
      t('上一步', '杯装还是碗装'),
      t('返回上一步', '加冰'),
      t('上一步', '什么口味'),
      t('上一步', '不能再后退', '什么口味'),
    ],
  },
  {
    name: 'a returning customer is greeted and offered the last order',
    turns: [
      t('我想买果汁', '什么口味'),
      t('西瓜', '加冰'),
      t('加冰', '杯装还是碗装'),
      t('碗装', '要办理吗'),
      t('不用了', '请付15元'),
      t('付款', '支付成功', '西瓜汁', '加冰', '碗装'),
      t('我想买果汁', '第2次', '还和上次一样吗'),
      t('好的', '要办理吗'),
    ],
  },
  {
    name: 'a cancel in the weather thread never reaches the sleeping order',
    turns: [
      t('我想要橙子汁, 常温哈', '杯装还是碗装'),
      t('我想查询天气', '哪个城市'),
      { say: '取消', expect: ['杯装还是碗装'], expectNot: ['订单已取消'] },
      t('杯装', '要办理吗'),
    ],
  },
  {
    name: 'a slot given in answer to another question is taken; the question is asked again',
    turns: [
      t('我想买果汁', '什么口味'),
      { say: '常温', expect: ['什么口味'], expectNot: ['没听懂'] },
      t('苹果', '杯装还是碗装'),
      // A slot changed by a later answer is acknowledged before the question comes again.
      { say: '西瓜', expect: ['换成西瓜汁', '杯装还是碗装'], expectNot: ['没听懂'] },
      { say: '加冰', expect: ['改成加冰', '杯装还是碗装'] },
      t('碗装', '要办理吗'),
      t('不用了', '请付15元'),
      t('付款', '支付成功', '西瓜汁', '加冰', '碗装'),
    ],
  },
  {
    name: 'not understood: says so and re-asks the pending question',
    turns: [t('我想买果汁', '什么口味'), t('量子力学的基本原理', /不明白|没听懂/, '什么口味'), t('苹果', '加冰')],
  },
  {
    name: 'membership is user-scoped: remembered for its user only',
    turns: [
      { user: 'lilei', ...t('我要办会员', '怎么称呼') },
      { user: 'lilei', ...t('李雷', '手机号') },
      { user: 'lilei', ...t('13800138000', '会员办理成功') },
      { user: 'lilei', say: '我想要苹果汁, 常温哈', expect: ['杯装还是碗装'] },
      { user: 'lilei', say: '杯装', expect: ['请付12元'], expectNot: ['要办理吗'] },
      { user: 'hanmeimei', ...t('我想要苹果汁, 常温哈', '杯装还是碗装') },
      { user: 'hanmeimei', ...t('杯装', '要办理吗') },
    ],
  },
  {
    name: 'an unknown city is a failure the weather context intercepts',
    turns: [t('我想买果汁', '什么口味'), t('火星明天天气怎么样', '暂时查不到', '什么口味')],
  },
];
