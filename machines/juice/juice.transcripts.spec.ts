import { converse, InMemoryMemory, type ConverseOptions } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { juice } from './juice.bot';

// The real NLU, trained from machines/juice/nlu; the transcripts below are SCENARIOS.md T1–T5.
const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const chat = (options: ConverseOptions = {}) => converse(juice, { nlu, clock, ...options });

describe('juice: SCENARIOS.md transcripts', () => {
  it('T1: order with nested membership signup, then pay', async () => {
    await chat()
      .say('你好')
      .expect('果汁店')
      .say('我想买果汁')
      .expect('什么口味')
      .say('苹果')
      .expect('加冰')
      .say('不加冰')
      .expect('杯装还是碗装')
      .say('杯装')
      .expect('会员', '要办理吗')
      .say('好啊')
      .expect('怎么称呼')
      .say('李雷')
      .expect('手机号')
      .say('123')
      .expect('手机号格式不对')
      .say('13800138000')
      .expect('会员办理成功', '请付12元')
      .say('好的')
      .expect('支付成功', '苹果汁', '常温', '杯装', '还有什么可以帮您');
  });

  it('T2: the weather in the middle of an order (sleep / fallback), one-shot slots', async () => {
    await chat()
      .say('我想要橙子汁, 常温哈')
      .expect('杯装还是碗装')
      .say('长沙明天天气怎么样')
      .expect('长沙', '明天', '度', '还有其它问题吗')
      .say('没有了')
      .expect('杯装还是碗装');
  });

  it('T3: cancel inside membership is intercepted; cancel in the order is not', async () => {
    await chat()
      .say('来杯西瓜汁')
      .expect('加冰')
      .say('加冰')
      .expect('杯装还是碗装')
      .say('碗装')
      .expect('要办理吗')
      .say('好')
      .expect('怎么称呼')
      .say('算了')
      .expect('不办会员', '请付15元')
      .say('这么贵啊? 我不要了')
      .expect('已取消', '还有什么可以帮您');
  });

  it('T4: back step, then quit and come back', async () => {
    await chat()
      .say('我想买果汁')
      .expect('什么口味')
      .say('苹果')
      .expect('加冰')
      .say('上一步')
      .expect('什么口味')
      .say('橙子')
      .expect('加冰')
      .say('再见')
      .expect('再见')
      .say('我想买果汁')
      .expect('什么口味')
      .expectNot('第2次');
  });

  it('T5: first-order weather with two missing slots, and an explicit wake', async () => {
    await chat()
      .say('我想买果汁')
      .expect('什么口味')
      .say('我想查询天气')
      .expect('哪个城市')
      .say('长沙的')
      .expect('哪天')
      .say('继续买果汁')
      .expect('什么口味')
      .check((r) => expect(r.threads.sleeping).toEqual(['weather']))
      .say('苹果')
      .expect('加冰');
  });
});

describe('juice: rules no transcript shows', () => {
  it('an unknown flavor three times in a row cancels the order', async () => {
    await chat()
      .say('我想买果汁')
      .expect('什么口味')
      .say('葡萄')
      .expect('没有', '什么口味')
      .say('来个芒果的')
      .expect('没有', '什么口味')
      .say('榴莲')
      .expect('没有', '订单先取消', '还有什么可以帮您')
      .check((r) => expect(r.threads.focus).toBe('home'));
  });

  it('only misses in a row count: a flavor on the menu in between resets them', async () => {
    await chat()
      .say('我想买果汁')
      .say('葡萄')
      .say('草莓')
      .expect('没有')
      .say('苹果')
      .expect('加冰')
      .check((r) => expect(r.threads.focus).toBe('order'));
  });

  it('goes back at most three steps, then says it cannot', async () => {
    await chat()
      .say('我想买果汁')
      .say('苹果')
      .say('不加冰')
      .say('杯装')
      .expect('要办理吗')
      .say('上一步')
      .expect('杯装还是碗装')
      .say('返回上一步')
      .expect('加冰')
      .say('上一步')
      .expect('什么口味')
      .say('上一步')
      .expect('不能再后退', '什么口味');
  });

  it('greets a returning customer and offers the last order', async () => {
    const memory = new InMemoryMemory();
    await chat({ memory, userId: 'han' })
      .say('我想买果汁')
      .say('西瓜')
      .say('加冰')
      .say('碗装')
      .say('不用了')
      .expect('请付15元')
      .say('付款')
      .expect('支付成功', '西瓜汁', '加冰', '碗装');
    await chat({ memory, userId: 'han', conversationId: 'second' })
      .say('我想买果汁')
      .expect('第2次', '还和上次一样吗')
      .say('好的')
      .expect('要办理吗')
      .say('不要')
      .expect('请付15元')
      .say('支付')
      .expect('支付成功', '西瓜汁');
    await chat({ memory, userId: 'han', conversationId: 'third' })
      .say('买杯果汁')
      .expect('第3次', '还和上次一样吗')
      .say('不要')
      .expect('什么口味');
  });

  it('membership is remembered per user, and only for that user', async () => {
    const memory = new InMemoryMemory();
    await chat({ memory, userId: 'lilei' })
      .say('我要办会员')
      .expect('怎么称呼')
      .say('李雷')
      .say('13800138000')
      .expect('会员办理成功');
    await chat({ memory, userId: 'lilei', conversationId: 'c2' })
      .say('我想要苹果汁, 常温哈')
      .say('杯装')
      .expect('请付12元')
      .expectNot('要办理吗');
    await chat({ memory, userId: 'hanmeimei', conversationId: 'c3' })
      .say('我想要苹果汁, 常温哈')
      .say('杯装')
      .expect('要办理吗');
  });

  it('a cancel in the weather thread never reaches the sleeping order', async () => {
    await chat()
      .say('我想要橙子汁, 常温哈')
      .expect('杯装还是碗装')
      .say('我想查询天气')
      .expect('哪个城市')
      .say('取消')
      .expect('杯装还是碗装')
      .expectNot('订单已取消')
      .say('杯装')
      .expect('要办理吗');
  });

  it('an unknown city is a failure the weather context intercepts', async () => {
    await chat()
      .say('我想买果汁')
      .say('火星明天天气怎么样')
      .expect('暂时查不到', '什么口味')
      .check((r) => expect(r.threads.focus).toBe('order'));
  });

  it('caches forecasts by city and date', async () => {
    const calls: string[] = [];
    const memory = new InMemoryMemory();
    const services = {
      forecast: async (input: { city: string; date: string }) => (
        calls.push(`${input.city}/${input.date}`),
        { ...input, sky: '晴', low: 10, high: 18 }
      ),
    };
    await chat({ memory, services }).say('长沙明天天气怎么样').expect('长沙明天晴, 10到18度');
    await chat({ memory, services, userId: 'u2', conversationId: 'c2' }).say('明天长沙天气如何').expect('长沙明天晴');
    await chat({ memory, services, userId: 'u3', conversationId: 'c3' }).say('长沙后天天气怎么样').expect('长沙后天');
    expect(calls).toEqual(['长沙/2026-11-23', '长沙/2026-11-24']);
  });

  it('does not understand nonsense, and re-asks the pending question', async () => {
    await chat()
      .say('我想买果汁')
      .expect('什么口味')
      .say('量子力学的基本原理')
      .expect(/不明白|没听懂/, '什么口味')
      .say('苹果')
      .expect('加冰');
  });

  it('asks the pending question again after help', async () => {
    await chat().say('我想买果汁').say('你能做什么').expect('买果汁', '什么口味');
  });
});
