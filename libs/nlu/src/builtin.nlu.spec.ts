import { mkdtempSync, writeFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BuiltinNlu } from './builtin.nlu';

const machinesDir = resolve(__dirname, '../../../machines');
const quiet = { log: () => undefined };
const juice = { bot: 'juice', locale: 'zh-CN', openIntents: [] as string[], now: new Date('2026-03-10T04:00:00Z') };

describe('BuiltinNlu on the juice corpus', () => {
  const nlu = new BuiltinNlu({ machinesDir, cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), ...quiet });

  it('understands an order with two slots at once', async () => {
    const u = await nlu.understand('我想要苹果汁, 常温哈', juice);
    expect(u.intent).toBe('order.juice');
    expect(u.entities.map((e) => [e.name, e.value, e.text])).toEqual([
      ['flavor', '苹果', '苹果汁'],
      ['ice', 'no', '常温'],
    ]);
  });

  it('understands a one-shot weather question with city and ISO date', async () => {
    const u = await nlu.understand('长沙明天天气怎么样', juice);
    expect(u.intent).toBe('weather.ask');
    expect(u.entities.map((e) => [e.name, e.value])).toEqual([
      ['city', '长沙'],
      ['date', '2026-03-11'],
    ]);
  });

  it.each([
    ['来杯西瓜汁', 'order.juice'],
    ['继续买果汁', 'order.resume'],
    ['我要办会员', 'member.join'],
    ['返回上一步', 'back'],
    ['这么贵啊? 我不要了', 'cancel'],
    ['再见', 'quit'],
    ['好啊', 'affirm'],
    ['没有了', 'deny'],
    ['苹果', 'inform'],
    ['13800138000', 'inform'],
  ])('%s → %s', async (text, intent) => {
    expect((await nlu.understand(text, juice)).intent).toBe(intent);
  });

  it('answers "not understood" for an out-of-scope request, never a wrong guess', async () => {
    const u = await nlu.understand('帮我订一张去上海的机票', juice);
    expect(u.intent).toBeNull();
    expect(u.alternatives.length).toBeGreaterThan(0);
  });

  it('still returns entities when the intent is not understood', async () => {
    const u = await nlu.understand('嗯 长沙 嗯 火星 嗯', { ...juice, openIntents: [] });
    expect(u.entities.map((e) => e.name)).toEqual(['city', 'place']);
  });

  it('answers gibberish with no known feature as not understood, confidence 0', async () => {
    expect(await nlu.understand('ｑｘｚｗ', juice)).toMatchObject({ intent: null, confidence: 0 });
  });

  it('lets the open intents of the stage decide a hesitant case', async () => {
    const closed = await nlu.understand('长沙的', juice);
    expect(closed.intent).toBe('inform');
    const ranking = (await nlu.analyse('长沙的', juice)).ranking;
    const weather = ranking.find((r) => r.intent === 'weather.ask')!;
    // Whatever the model thinks, an open intent within the bonus of the best wins over it.
    const best = ranking[0]!;
    const open = await nlu.understand('长沙的', { ...juice, openIntents: ['weather.ask'] });
    expect(open.intent).toBe(best.confidence - weather.confidence <= 0.15 ? 'weather.ask' : 'inform');
  });
});

describe('BuiltinNlu model cache', () => {
  function corpusDir(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'parley-corpus-'));
    mkdirSync(join(dir, 'tiny', 'nlu'), { recursive: true });
    writeFileSync(join(dir, 'tiny', 'nlu', 'corpus.yaml'), text);
    return dir;
  }
  const corpus = 'locale: en\nintents:\n  greet: [hello, hi there, good morning]\n  quit: [bye, goodbye, see you]\n';

  it('trains once, then loads the same corpus from the cache without training', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'parley-cache-'));
    const machines = corpusDir(corpus);
    const lines: string[] = [];
    const first = new BuiltinNlu({ machinesDir: machines, cacheDir, log: (l) => lines.push(l) });
    const a = await first.load('tiny');
    expect(a).toMatchObject({ source: 'trained', examples: 6 });
    expect(a.modelBytes).toBeGreaterThan(0);
    expect(first.trainings).toBe(1);
    expect(lines[0]).toMatch(/tiny: trained in \d+ ms, .* model [\d.]+ KB/);

    const second = new BuiltinNlu({ machinesDir: machines, cacheDir, log: (l) => lines.push(l) });
    const b = await second.load('tiny');
    expect(b).toMatchObject({ source: 'cache', trainMs: 0, key: a.key, modelBytes: a.modelBytes, examples: 6 });
    expect(second.trainings).toBe(0);
    expect(lines[1]).toMatch(/tiny: loaded from cache/);
    const opts = { bot: 'tiny', locale: 'en', openIntents: [] };
    expect(await second.understand('goodbye then', opts)).toEqual(await first.understand('goodbye then', opts));
  });

  it('retrains when the corpus changes and keeps one model per bot', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'parley-cache-'));
    const a = await new BuiltinNlu({ machinesDir: corpusDir(corpus), cacheDir, ...quiet }).load('tiny');
    const changed = new BuiltinNlu({ machinesDir: corpusDir(`${corpus}  help: [help me]\n`), cacheDir, ...quiet });
    const b = await changed.load('tiny');
    expect(b.source).toBe('trained');
    expect(b.key).not.toBe(a.key);
    expect(changed.trainings).toBe(1);
    expect(readdirSync(cacheDir)).toEqual([`tiny-${b.key.slice(0, 16)}.json`]);
  });

  it('retrains over a corrupt cache file', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'parley-cache-'));
    const machines = corpusDir(corpus);
    const a = await new BuiltinNlu({ machinesDir: machines, cacheDir, ...quiet }).load('tiny');
    writeFileSync(join(cacheDir, `tiny-${a.key.slice(0, 16)}.json`), '{"version":');
    const again = new BuiltinNlu({ machinesDir: machines, cacheDir, ...quiet });
    expect((await again.load('tiny')).source).toBe('trained');
    expect(again.trainings).toBe(1);
  });

  it('uses character n-grams alone for a Chinese bot and adds words for an English one, unless told', async () => {
    const features = async (text: string, featureSet?: 'chars+words') => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'parley-cache-'));
      const info = await new BuiltinNlu({ machinesDir: corpusDir(text), cacheDir, featureSet, ...quiet }).load('tiny');
      const model = JSON.parse(readFileSync(join(cacheDir, `tiny-${info.key.slice(0, 16)}.json`), 'utf8')) as { features: string[] };
      return new Set(model.features.map((f) => f.slice(0, f.indexOf(':'))));
    };
    const chinese = 'locale: zh-CN\nintents:\n  greet: [你好, 早上好]\n  weather: [明天天气怎么样, 北京天气]\n';
    expect(await features(chinese)).toEqual(new Set(['c', 'rest']));
    expect(await features(chinese, 'chars+words')).toEqual(new Set(['c', 'w', 'b', 'rest']));
    expect(await features(corpus)).toEqual(new Set(['c', 'w', 'b', 'rest']));
  });

  it('trains the same model on every run (deterministic)', async () => {
    const machines = corpusDir(corpus);
    const opts = { bot: 'tiny', locale: 'en', openIntents: [] };
    const one = new BuiltinNlu({ machinesDir: machines, cacheDir: mkdtempSync(join(tmpdir(), 'c-')), ...quiet });
    const two = new BuiltinNlu({ machinesDir: machines, cacheDir: mkdtempSync(join(tmpdir(), 'c-')), ...quiet });
    expect(await two.understand('hello friend', opts)).toEqual(await one.understand('hello friend', opts));
  });
});
