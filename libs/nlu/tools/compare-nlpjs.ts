// Measures NLP.js (@nlpjs/basic + @nlpjs/lang-zh) on a bot's corpus and held-out set, for docs/nlu.md.
// NLP.js is not a project dependency: install it in a scratch folder and point NODE_PATH at it:
//   mkdir /tmp/nlpjs && (cd /tmp/nlpjs && npm i @nlpjs/basic@4.27.0 @nlpjs/lang-zh@4.26.1)
//   NODE_PATH=/tmp/nlpjs/node_modules node -r ./scripts/register-ts.js libs/nlu/tools/compare-nlpjs.ts juice
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// Loaded by name at run time, so type-checking does not need NLP.js installed.
const load = (name: string): Promise<any> => import(name);

interface TestItem {
  text: string | number;
  intent: string | null;
}

export async function compareNlpJs(bot: string): Promise<Record<string, unknown>> {
  const dir = join('machines', bot, 'nlu');
  const intents: Record<string, string[]> = {};
  const none: string[] = [];
  let locale = 'en';
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('test-set.')).sort()) {
    const doc = (parse(readFileSync(join(dir, f), 'utf8')) ?? {}) as { locale?: string; intents?: Record<string, unknown[]>; none?: unknown[] };
    if (doc.locale) locale = doc.locale;
    for (const [k, v] of Object.entries(doc.intents ?? {})) (intents[k] ??= []).push(...v.map(String));
    none.push(...(doc.none ?? []).map(String));
  }
  const lang = locale.startsWith('zh') ? 'zh' : 'en';
  const { containerBootstrap } = await load('@nlpjs/core');
  const container = await containerBootstrap();
  container.use((await load('@nlpjs/nlp')).Nlp);
  container.use((await load('@nlpjs/lang-zh')).LangZh);
  container.use((await load('@nlpjs/lang-en-min')).LangEn);
  const nlp = container.get('nlp');
  nlp.settings.autoSave = false;
  nlp.addLanguage(lang);
  for (const [intent, examples] of Object.entries(intents)) for (const e of examples) nlp.addDocument(lang, e, intent);
  for (const e of none) nlp.addDocument(lang, e, 'None');
  const log = console.log;
  console.log = () => undefined; // NLP.js prints every epoch
  const t0 = performance.now();
  await nlp.train();
  const trainMs = performance.now() - t0;
  console.log = log;
  const size = Buffer.byteLength(nlp.export(false) as string);
  const tests = parse(readFileSync(join(dir, 'test-set.yaml'), 'utf8')) as TestItem[];
  let correct = 0;
  for (const t of tests) {
    const r = await nlp.process(lang, String(t.text));
    const got = r.intent === 'None' || r.score < 0.45 ? null : r.intent;
    if (got === (t.intent ?? null)) correct++;
  }
  const texts = Object.values(intents).flat();
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const s = performance.now();
    await nlp.process(lang, texts[i % texts.length]);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return {
    bot, lang, cases: tests.length, intentAccuracy: correct / tests.length,
    trainMs: Math.round(trainMs), modelKB: Math.round(size / 1024), p50Ms: times[1000], p99Ms: times[1980],
  };
}

if (require.main === module) {
  compareNlpJs(process.argv[2] ?? 'juice').then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
