import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { loadCorpus } from './corpus/corpus.loader';
import type { Corpus } from './corpus/corpus.types';
import { EntityRecognizer } from './entities/entity.recognizer';
import type { EntitySpan } from './entities/entity.types';
import { extractFeatures, type FeatureSet } from './classifier/feature.extractor';
import { LogisticClassifier, TRAINER_VERSION, type ModelJson, type TrainOptions } from './classifier/logistic.classifier';
import { decideIntent, type IntentPolicyOptions } from './intent.policy';
import { ModelCache } from './model.cache';
import type { Entity, NluPort, Understanding, UnderstandOptions } from './nlu.types';
import { isZhLocale, normalizeText } from './text/text.normalizer';

/** The out-of-scope class trained from a corpus's `none:` examples. */
export const NONE_LABEL = '__none__';

export interface BuiltinNluOptions extends IntentPolicyOptions {
  /** Where bots live; a bot's corpus is `<machinesDir>/<bot>/nlu/`. Default `./machines`. */
  machinesDir?: string;
  /** Per-bot corpus folder overrides. */
  corpusDirs?: Record<string, string>;
  /** Trained models are cached here. Default `./.parley/nlu-cache`. */
  cacheDir?: string;
  /** Training and cache lines (training time, model size). Default: console.log. */
  log?: (line: string) => void;
  /**
   * What the classifier sees. Default: character n-grams for Chinese (`chars`: words add nothing measurable there,
   * see docs/nlu.md), character n-grams and words for other languages (`chars+words`).
   */
  featureSet?: FeatureSet;
  train?: TrainOptions;
}

/** What loading a bot did: trained or read from cache, how long, how big. */
export interface ModelInfo {
  bot: string;
  key: string;
  source: 'trained' | 'cache';
  /** Training time (0 when loaded from cache). */
  trainMs: number;
  loadMs: number;
  modelBytes: number;
  examples: number;
  features: number;
  intents: string[];
}

interface LoadedBot {
  corpus: Corpus;
  featureSet: FeatureSet;
  recognizer: EntityRecognizer;
  classifier: LogisticClassifier;
  info: ModelInfo;
}

/** A ranked guess and the entities, before the open-intent policy: what evaluation and benches need. */
export interface Analysis {
  entities: Entity[];
  ranking: { intent: string | null; confidence: number }[];
}

/** Character n-grams alone for Chinese (as accurate as with words, and no segmenter: docs/nlu.md); characters and words for other languages. */
function defaultFeatureSet(locale: string): FeatureSet {
  return isZhLocale(locale) ? 'chars' : 'chars+words';
}

function toEntity(s: EntitySpan, original: string): Entity {
  const { priority: _priority, ...entity } = s;
  return { ...entity, text: original.slice(s.start, s.end) };
}

/**
 * The built-in NLU: per bot, character n-grams (and words) + dictionary, regex and built-in entities +
 * a logistic-regression intent classifier trained from `machines/<bot>/nlu/*.yaml`.
 *
 * @example
 * const nlu = new BuiltinNlu({ cacheDir: '.parley/nlu-cache' });
 * await nlu.load('juice'); // trains once, then loads from the cache
 * await nlu.understand('我想要苹果汁, 常温哈', { bot: 'juice', locale: 'zh-CN', openIntents: [] });
 * // → { intent: 'order.juice', entities: [{ name: 'flavor', value: '苹果' }, { name: 'ice', value: 'no' }], … }
 */
export class BuiltinNlu implements NluPort {
  private readonly bots = new Map<string, Promise<LoadedBot>>();
  private readonly cache: ModelCache;
  private trainCount = 0;

  constructor(private readonly options: BuiltinNluOptions = {}) {
    this.cache = new ModelCache(resolve(options.cacheDir ?? join('.parley', 'nlu-cache')));
  }

  /** How many models this instance trained (cache hits do not count). */
  get trainings(): number {
    return this.trainCount;
  }

  corpusDir(bot: string): string {
    return resolve(this.options.corpusDirs?.[bot] ?? join(this.options.machinesDir ?? 'machines', bot, 'nlu'));
  }

  /** Loads (or trains) a bot's model; idempotent and safe to call concurrently. Call at boot to fail early. */
  async load(bot: string): Promise<ModelInfo> {
    let loading = this.bots.get(bot);
    if (!loading) {
      loading = this.loadBot(bot);
      this.bots.set(bot, loading);
      loading.catch(() => this.bots.delete(bot)); // a fixed corpus can be retried
    }
    return (await loading).info;
  }

  async corpus(bot: string): Promise<Corpus> {
    await this.load(bot);
    return (await this.bots.get(bot)!).corpus;
  }

  async understand(text: string, options: UnderstandOptions): Promise<Understanding> {
    await this.load(options.bot);
    const analysis = await this.analyse(text, options);
    const decision = decideIntent(analysis.ranking, options.openIntents, this.options);
    return { ...decision, entities: analysis.entities };
  }

  /** Entities and the raw intent ranking (null = the "none" class), without the open-intent policy. */
  async analyse(text: string, options: Omit<UnderstandOptions, 'openIntents'>): Promise<Analysis> {
    const bot = await this.bots.get(options.bot);
    if (!bot) {
      await this.load(options.bot);
      return this.analyse(text, options);
    }
    const normalized = normalizeText(text);
    const spans = bot.recognizer.recognize(normalized, {
      locale: bot.corpus.locale,
      timeZone: options.timeZone ?? (isZhLocale(options.locale) ? 'Asia/Shanghai' : 'UTC'),
      now: options.now ?? new Date(),
    });
    const features = extractFeatures(normalized, spans, bot.corpus.locale, bot.featureSet);
    const ranking = bot.classifier
      .predict(features)
      .map((s) => ({ intent: s.label === NONE_LABEL ? null : s.label, confidence: s.probability }));
    return { entities: spans.map((s) => toEntity(s, text)), ranking };
  }

  private async loadBot(bot: string): Promise<LoadedBot> {
    const started = performance.now();
    const corpus = await loadCorpus(bot, this.corpusDir(bot));
    const recognizer = new EntityRecognizer(corpus);
    const featureSet = this.options.featureSet ?? defaultFeatureSet(corpus.locale);
    const key = createHash('sha256')
      .update(`${corpus.hash}|v${TRAINER_VERSION}|${featureSet}|${JSON.stringify(this.options.train ?? {})}`)
      .digest('hex');
    const cached = await this.cache.read(bot, key);
    let classifier: LogisticClassifier | undefined;
    let trainMs = 0;
    let modelBytes = 0;
    let trained = false;
    if (cached !== null) {
      try {
        classifier = LogisticClassifier.fromJson(JSON.parse(cached) as ModelJson);
        modelBytes = Buffer.byteLength(cached);
      } catch {
        classifier = undefined; // stale or corrupt: retrain below
      }
    }
    if (!classifier) {
      const t0 = performance.now();
      classifier = LogisticClassifier.train(this.examples(corpus, recognizer, featureSet), this.options.train);
      trainMs = performance.now() - t0;
      this.trainCount++;
      trained = true;
      const json = JSON.stringify(classifier.toJson());
      modelBytes = Buffer.byteLength(json);
      await this.cache.write(bot, key, json);
    }
    const info: ModelInfo = {
      bot,
      key,
      source: trained ? 'trained' : 'cache',
      trainMs,
      loadMs: performance.now() - started,
      modelBytes,
      examples: Object.values(corpus.intents).reduce((n, texts) => n + texts.length, corpus.none.length),
      features: classifier.features.length,
      intents: classifier.labels.filter((l) => l !== NONE_LABEL),
    };
    (this.options.log ?? console.log)(
      `[nlu] ${bot}: ${info.source === 'trained' ? `trained in ${trainMs.toFixed(0)} ms` : 'loaded from cache'}, ` +
        `${info.examples} examples, ${info.intents.length} intents, ${info.features} features, ` +
        `model ${(modelBytes / 1024).toFixed(1)} KB (${this.cache.dir})`,
    );
    return { corpus, featureSet, recognizer, classifier, info };
  }

  // Training examples get their entities masked exactly as live utterances will. Only for training: a model read from
  // the cache needs none of this.
  private examples(corpus: Corpus, recognizer: EntityRecognizer, featureSet: FeatureSet) {
    const context = { locale: corpus.locale, timeZone: 'UTC', now: new Date(0) };
    const labelled = [
      ...Object.entries(corpus.intents).flatMap(([intent, texts]) => texts.map((t) => ({ t, label: intent }))),
      ...corpus.none.map((t) => ({ t, label: NONE_LABEL })),
    ];
    return labelled.map(({ t, label }) => {
      const normalized = normalizeText(t);
      return { label, features: extractFeatures(normalized, recognizer.recognize(normalized, context), corpus.locale, featureSet) };
    });
  }
}
