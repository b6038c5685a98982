/**
 * The order in which a benchmark runs its loads. On a shared machine the speed drifts by tens of percent within a
 * minute, so a load measured after another would be compared with a different machine: instead every load runs in
 * short rounds, each sandwiched between two rounds of the baseline (raw upserts), and is compared with the mean of
 * those two. The other loads take turns at the start of a round, so none is always measured first.
 */
export interface Step {
  /** 0-based round. */
  round: number;
  /** The baseline's name or one of the loads. */
  load: string;
}

/**
 * Rounds of `baseline, a, baseline, b, …` with the loads rotated by one each round, and a last baseline at the end:
 * every load step has a baseline step right before and right after it.
 *
 * @example alternatingSchedule('upsert', ['a', 'b'], 2).map((s) => s.load)
 * // ['upsert', 'a', 'upsert', 'b', 'upsert', 'b', 'upsert', 'a', 'upsert']
 */
export function alternatingSchedule(baseline: string, loads: readonly string[], rounds: number): Step[] {
  if (loads.includes(baseline)) throw new Error(`The baseline '${baseline}' is also one of the loads.`);
  const steps: Step[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = rotated(loads, round);
    for (let i = 0; i < order.length; i++) {
      steps.push({ round, load: baseline });
      steps.push({ round, load: order[i]! });
    }
  }
  if (steps.length > 0) steps.push({ round: rounds - 1, load: baseline });
  return steps;
}

/**
 * Each load step's rate divided by the mean rate of the baseline steps beside it (`rates[i]` belongs to
 * `steps[i]`). Returns, per load, its per-round ratios in round order.
 */
export function ratiosToBaseline(
  steps: readonly Step[],
  rates: readonly number[],
  baseline: string,
): Map<string, number[]> {
  const ratios = new Map<string, number[]>();
  steps.forEach((step, i) => {
    if (step.load === baseline) return;
    const beside = [steps[i - 1], steps[i + 1]]
      .map((s, k) => (s?.load === baseline ? rates[i - 1 + 2 * k] : undefined))
      .filter((r): r is number => r !== undefined);
    const base = beside.reduce((a, b) => a + b, 0) / beside.length;
    const list = ratios.get(step.load) ?? [];
    list.push(beside.length ? rates[i]! / base : NaN);
    ratios.set(step.load, list);
  });
  return ratios;
}

/**
 * The list rotated left by `round` (mod its length): round 0 runs a, b, c; round 1 b, c, a; … so that no load is
 * always the first after a pause, or always follows the same one.
 */
export function rotated<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const k = ((round % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
