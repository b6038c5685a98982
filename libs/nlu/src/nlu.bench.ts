import { BuiltinNlu, type BuiltinNluOptions } from './builtin.nlu';

export interface NluBenchResult {
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
}

/**
 * Latency of `understand()` on a trained bot, over its own corpus examples (training is excluded).
 * For `npm run bench`; the target is p99 < 5 ms.
 */
export async function benchNlu(bot: string, iterations = 2000, options: BuiltinNluOptions = {}): Promise<NluBenchResult> {
  const nlu = new BuiltinNlu({ log: () => undefined, ...options });
  await nlu.load(bot);
  const corpus = await nlu.corpus(bot);
  const texts = [...Object.values(corpus.intents).flat(), ...corpus.none];
  const opts = { bot, locale: corpus.locale, openIntents: [] as string[] };
  for (let i = 0; i < Math.min(200, iterations); i++) await nlu.understand(texts[i % texts.length] ?? '', opts);
  const times = new Float64Array(iterations);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await nlu.understand(texts[i % texts.length] ?? '', opts);
    times[i] = performance.now() - t0;
  }
  const total = performance.now() - started;
  times.sort();
  const at = (q: number): number => times[Math.min(iterations - 1, Math.floor(q * iterations))] ?? 0;
  return { p50Ms: at(0.5), p99Ms: at(0.99), perSecond: (iterations / total) * 1000 };
}
