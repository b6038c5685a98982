/** Statistics the benchmarks print: percentiles of latencies, ranges across rounds, rates. Pure functions. */

/**
 * The q-quantile (0–1) of values already sorted ascending, by nearest rank: the smallest value with at least
 * q of the values at or below it. NaN when there are none.
 *
 * @example percentile([1, 2, 3, 4], 0.5) // 2
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Count, p50, p99 and max of a list of latencies (any order; not modified). */
export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

export interface Range {
  min: number;
  max: number;
}

/** The smallest and largest of per-round values, ignoring NaN (NaN–NaN when none is a number). */
export function range(values: readonly number[]): Range {
  const numbers = values.filter((v) => !Number.isNaN(v));
  if (numbers.length === 0) return { min: NaN, max: NaN };
  return { min: Math.min(...numbers), max: Math.max(...numbers) };
}

/** Format a number for a table: `—` for NaN, thousands separated, `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `a–b` (or a single number when both ends round to the same text). */
export function formatRange(r: Range, digits = 0): string {
  const low = formatNumber(r.min, digits);
  const high = formatNumber(r.max, digits);
  return low === high ? low : `${low}–${high}`;
}

/** Lay rows out as a plain-text table: columns padded to their widest cell, numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const numeric = (cell: string) => /^[\d—.,–×%-]+$/.test(cell);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
