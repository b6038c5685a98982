/** Bump when features or training change: it is part of the model cache key. */
export const TRAINER_VERSION = 2;

export interface TrainingExample {
  features: string[];
  label: string;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

export interface LabelScore {
  label: string;
  probability: number;
}

/** Serialised form, as stored in the cache directory. */
export interface ModelJson {
  version: number;
  labels: string[];
  features: string[];
  bias: number[];
  /** Float32 weights, feature-major, base64. */
  weights: string;
}

// mulberry32: a tiny seeded PRNG, so the example order (and the model) is the same on every run.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Multinomial logistic regression over sparse binary features, trained by seeded SGD. Small corpora
 * (hundreds of examples) train in milliseconds and predict in microseconds; probabilities are
 * calibrated enough to threshold on.
 */
export class LogisticClassifier {
  private readonly index = new Map<string, number>();

  private constructor(
    readonly labels: string[],
    readonly features: string[],
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
  ) {
    features.forEach((f, i) => this.index.set(f, i));
  }

  static train(examples: readonly TrainingExample[], options: TrainOptions = {}): LogisticClassifier {
    const { epochs = 40, learningRate = 0.8, l2 = 1e-4, seed = 42 } = options;
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const featureIndex = new Map<string, number>();
    const rows = examples.map((e) => ({
      label: labels.indexOf(e.label),
      features: e.features.map((f) => {
        let i = featureIndex.get(f);
        if (i === undefined) featureIndex.set(f, (i = featureIndex.size));
        return i;
      }),
    }));
    const L = labels.length;
    const weights = new Float32Array(featureIndex.size * L);
    const bias = new Float32Array(L);
    // Balanced class weights: a class with few examples (quit) is not drowned by a big one (inform).
    const counts = labels.map((_, c) => rows.filter((r) => r.label === c).length);
    const classWeight = counts.map((n) => Math.sqrt(rows.length / (L * Math.max(n, 1))));
    const rand = random(seed);
    const order = rows.map((_, i) => i);
    const p = new Float64Array(L);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
      }
      const lr = learningRate / (1 + epoch * 0.1);
      for (const k of order) {
        const row = rows[k];
        if (!row) continue;
        const x = 1 / Math.sqrt(Math.max(row.features.length, 1));
        scores(row.features, x, weights, bias, p);
        const cw = classWeight[row.label] ?? 1;
        for (let c = 0; c < L; c++) {
          const g = cw * ((p[c] ?? 0) - (c === row.label ? 1 : 0));
          bias[c] = (bias[c] ?? 0) - lr * g * 0.1;
          for (const f of row.features) {
            const w = f * L + c;
            weights[w] = (weights[w] ?? 0) - lr * (g * x + l2 * (weights[w] ?? 0));
          }
        }
      }
    }
    return new LogisticClassifier(labels, [...featureIndex.keys()], weights, bias);
  }

  static fromJson(json: ModelJson): LogisticClassifier {
    const bytes = Buffer.from(json.weights, 'base64');
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (json.version !== TRAINER_VERSION || weights.length !== json.labels.length * json.features.length) {
      throw new Error('model file does not match this trainer');
    }
    return new LogisticClassifier(json.labels, json.features, weights, Float32Array.from(json.bias));
  }

  toJson(): ModelJson {
    return {
      version: TRAINER_VERSION,
      labels: this.labels,
      features: this.features,
      bias: [...this.bias],
      weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64'),
    };
  }

  /** Labels by descending probability; empty when none of the features was seen in training. */
  predict(features: readonly string[]): LabelScore[] {
    const known: number[] = [];
    let words = 0;
    for (const f of features) {
      const i = this.index.get(f);
      if (i === undefined) continue;
      known.push(i);
      if (!f.startsWith('rest:')) words++;
    }
    // Only length features known: nothing of what was said was ever seen in training.
    if (words === 0) return [];
    const p = new Float64Array(this.labels.length);
    // Scale by all features, known or not: unknown words dilute confidence instead of vanishing.
    scores(known, 1 / Math.sqrt(Math.max(features.length, 1)), this.weights, this.bias, p);
    return this.labels
      .map((label, c) => ({ label, probability: p[c] ?? 0 }))
      .sort((a, b) => b.probability - a.probability);
  }
}

/** Softmax of bias + x·Σ weights[f] into `out`. */
function scores(features: readonly number[], x: number, weights: Float32Array, bias: Float32Array, out: Float64Array): void {
  const L = out.length;
  for (let c = 0; c < L; c++) out[c] = bias[c] ?? 0;
  for (const f of features) for (let c = 0; c < L; c++) out[c] = (out[c] ?? 0) + x * (weights[f * L + c] ?? 0);
  let max = -Infinity;
  for (let c = 0; c < L; c++) max = Math.max(max, out[c] ?? 0);
  let sum = 0;
  for (let c = 0; c < L; c++) sum += out[c] = Math.exp((out[c] ?? 0) - max);
  for (let c = 0; c < L; c++) out[c] = (out[c] ?? 0) / sum;
}
