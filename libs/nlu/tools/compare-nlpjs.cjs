// Measures NLP.js (@nlpjs/basic + @nlpjs/lang-zh) on a bot's corpus and held-out set, for docs/nlu.md.
// Not a project dependency: install it in a scratch folder and point NODE_PATH at it:
//   mkdir /tmp/nlpjs && (cd /tmp/nlpjs && npm i @nlpjs/basic@4.27.0 @nlpjs/lang-zh@4.26.1 yaml@2.9.1)
//   NODE_PATH=/tmp/nlpjs/node_modules node libs/nlu/tools/compare-nlpjs.cjs juice
const fs = require('node:fs');
const path = require('node:path');
const { parse } = require('yaml');
const { containerBootstrap } = require('@nlpjs/core');
const { Nlp } = require('@nlpjs/nlp');
const { LangZh } = require('@nlpjs/lang-zh');
const { LangEn } = require('@nlpjs/lang-en-min');

async function main(bot) {
  const dir = path.join('machines', bot, 'nlu');
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('test-set.')).sort();
  const intents = {};
  const none = [];
  let locale = 'en';
  for (const f of files) {
    const doc = parse(fs.readFileSync(path.join(dir, f), 'utf8')) ?? {};
    if (doc.locale) locale = doc.locale;
    for (const [k, v] of Object.entries(doc.intents ?? {})) (intents[k] ??= []).push(...v.map(String));
    none.push(...(doc.none ?? []).map(String));
  }
  const lang = locale.startsWith('zh') ? 'zh' : 'en';
  const container = await containerBootstrap();
  container.use(Nlp);
  container.use(LangZh);
  container.use(LangEn);
  const nlp = container.get('nlp');
  nlp.settings.autoSave = false;
  nlp.settings.log = false;
  nlp.addLanguage(lang);
  for (const [intent, examples] of Object.entries(intents)) for (const e of examples) nlp.addDocument(lang, e, intent);
  for (const e of none) nlp.addDocument(lang, e, 'None');
  const t0 = performance.now();
  const log = console.log;
  console.log = () => undefined; // NLP.js prints every epoch
  await nlp.train();
  console.log = log;
  const trainMs = performance.now() - t0;
  const size = Buffer.byteLength(nlp.export(false));
  const tests = parse(fs.readFileSync(path.join(dir, 'test-set.yaml'), 'utf8'));
  let correct = 0;
  for (const t of tests) {
    const r = await nlp.process(lang, String(t.text));
    const got = r.intent === 'None' || r.score < 0.45 ? null : r.intent;
    if (got === (t.intent ?? null)) correct++;
  }
  const texts = Object.values(intents).flat();
  const times = [];
  for (let i = 0; i < 2000; i++) {
    const s = performance.now();
    await nlp.process(lang, texts[i % texts.length]);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    bot, lang, cases: tests.length, intentAccuracy: correct / tests.length,
    trainMs: Math.round(trainMs), modelKB: Math.round(size / 1024),
    p50Ms: times[1000], p99Ms: times[1980],
  }));
}

main(process.argv[2] ?? 'juice').catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
