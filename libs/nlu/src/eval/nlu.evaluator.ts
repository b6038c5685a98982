import { join } from 'node:path';
import { BuiltinNlu, type BuiltinNluOptions, type ModelInfo } from '../builtin.nlu';
import { isoDate, localDay } from '../entities/date.builtin';
import { isZhLocale } from '../text/text.normalizer';
import type { Entity, NluPort } from '../nlu.types';
import { loadTestSet, type TestCase } from './test-set.loader';

/** The clock evaluations run on, so `today+1` in a test set means the same date on every run. */
export const EVAL_NOW = new Date('2026-03-10T04:00:00Z');

export interface EvalMiss {
  text: string;
  expectedIntent: string | null;
  predictedIntent: string | null;
  confidence: number;
  missingEntities: string[];
  extraEntities: string[];
}

export interface EvalReport {
  bot: string;
  cases: number;
  intentAccuracy: number;
  entityPrecision: number;
  entityRecall: number;
  entityF1: number;
  /** "expected → predicted" with counts, most frequent first. */
  confusions: { expected: string; predicted: string; count: number }[];
  misses: EvalMiss[];
  model?: ModelInfo;
}

export interface EvaluateOptions extends BuiltinNluOptions {
  /** Default `<corpus dir>/test-set.yaml`. */
  testSet?: string;
  now?: Date;
}

function key(e: { name: string; value: string | number }): string {
  return `${e.name}=${e.value}`;
}

/** Replaces `today`, `today+2` … in expected dates with ISO dates on the evaluation clock. */
function expectedEntities(c: TestCase, timeZone: string, now: Date): string[] {
  return c.entities.map((e) => {
    const m = e.name === 'date' && typeof e.value === 'string' ? /^today([+-]\d+)?$/.exec(e.value) : null;
    return m ? key({ name: 'date', value: isoDate(localDay(now, timeZone), Number(m[1] ?? 0)) }) : key(e);
  });
}

/** Scores any NluPort on a test set: intent accuracy, micro entity precision/recall/F1 on name=value pairs. */
export async function evaluateCases(
  nlu: NluPort,
  bot: string,
  locale: string,
  cases: readonly TestCase[],
  now = EVAL_NOW,
): Promise<Omit<EvalReport, 'model'>> {
  const timeZone = isZhLocale(locale) ? 'Asia/Shanghai' : 'UTC';
  let correct = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const confusions = new Map<string, number>();
  const misses: EvalMiss[] = [];
  for (const c of cases) {
    const u = await nlu.understand(c.text, { bot, locale, openIntents: [], timeZone, now });
    const expected = expectedEntities(c, timeZone, now);
    const found = u.entities.map((e: Entity) => key(e));
    const remaining = [...expected];
    const extra: string[] = [];
    for (const f of found) {
      const i = remaining.indexOf(f);
      if (i >= 0) remaining.splice(i, 1);
      else extra.push(f);
    }
    tp += found.length - extra.length;
    fp += extra.length;
    fn += remaining.length;
    const intentOk = u.intent === c.intent;
    if (intentOk) correct++;
    else {
      const pair = `${c.intent ?? '(none)'}\u0000${u.intent ?? '(none)'}`;
      confusions.set(pair, (confusions.get(pair) ?? 0) + 1);
    }
    if (!intentOk || extra.length > 0 || remaining.length > 0) {
      misses.push({
        text: c.text, expectedIntent: c.intent, predictedIntent: u.intent, confidence: u.confidence,
        missingEntities: remaining, extraEntities: extra,
      });
    }
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return {
    bot,
    cases: cases.length,
    intentAccuracy: cases.length === 0 ? 0 : correct / cases.length,
    entityPrecision: precision,
    entityRecall: recall,
    entityF1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    confusions: [...confusions.entries()]
      .map(([pair, count]) => {
        const [expected = '', predicted = ''] = pair.split('\u0000');
        return { expected, predicted, count };
      })
      .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)),
    misses,
  };
}

/** Trains (or loads) a bot's built-in model and scores it on the bot's held-out test set. */
export async function evaluateBot(bot: string, options: EvaluateOptions = {}): Promise<EvalReport> {
  const nlu = new BuiltinNlu(options);
  const model = await nlu.load(bot);
  const corpus = await nlu.corpus(bot);
  const cases = await loadTestSet(options.testSet ?? join(nlu.corpusDir(bot), 'test-set.yaml'));
  return { ...(await evaluateCases(nlu, bot, corpus.locale, cases, options.now)), model };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The report `npm run nlu:eval` prints. */
export function formatReport(r: EvalReport): string {
  const lines = [
    `NLU evaluation — bot ${r.bot}, ${r.cases} held-out utterances`,
    r.model
      ? `model: ${r.model.source}${r.model.source === 'trained' ? ` in ${r.model.trainMs.toFixed(0)} ms` : ''}, ` +
        `${(r.model.modelBytes / 1024).toFixed(1)} KB, ${r.model.examples} examples, ${r.model.features} features`
      : '',
    `intent accuracy: ${pct(r.intentAccuracy)}`,
    `entities: precision ${pct(r.entityPrecision)}, recall ${pct(r.entityRecall)}, F1 ${pct(r.entityF1)}`,
    '',
    r.confusions.length ? 'confusion pairs (expected → predicted):' : 'no intent confusions',
    ...r.confusions.map((c) => `  ${c.expected} → ${c.predicted}  ×${c.count}`),
  ];
  if (r.misses.length) {
    lines.push('', 'misses:');
    for (const m of r.misses) {
      const parts = [`  «${m.text}»`];
      if (m.expectedIntent !== m.predictedIntent) {
        parts.push(`intent ${m.expectedIntent ?? '(none)'} → ${m.predictedIntent ?? '(none)'} (${m.confidence.toFixed(2)})`);
      }
      if (m.missingEntities.length) parts.push(`missing ${m.missingEntities.join(', ')}`);
      if (m.extraEntities.length) parts.push(`extra ${m.extraEntities.join(', ')}`);
      lines.push(parts.join('  '));
    }
  }
  return lines.filter((l, i) => l !== '' || i > 1).join('\n');
}
