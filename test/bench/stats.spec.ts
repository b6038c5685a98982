import { formatRange, formatTable, percentile, range, summarize } from '../../scripts/bench/stats';

describe('bench statistics', () => {
  it('takes percentiles by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('summarizes latencies in any order without changing them', () => {
    const values = [5, 1, 4, 2, 3];
    expect(summarize(values)).toEqual({ count: 5, p50: 3, p99: 5, max: 5 });
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });

  it('gives the range of per-round values, ignoring rounds that measured nothing', () => {
    expect(range([0.21, 0.18, NaN, 0.25])).toEqual({ min: 0.18, max: 0.25 });
    expect(formatRange(range([0.214, 0.18, 0.25]), 2)).toBe('0.18–0.25');
    expect(formatRange(range([1200.4, 1199.6]))).toBe('1,200');
    expect(formatRange(range([NaN]))).toBe('—');
  });

  it('lays out a table with numbers right-aligned under their header', () => {
    const lines = formatTable(
      ['load', 'ops/s'],
      [
        ['juice@8', '1,200'],
        ['counter@8', '950–1,010'],
      ],
    ).split('\n');
    expect(lines[0]).toBe('load       ops/s');
    expect(lines[2]).toBe('juice@8        1,200');
    expect(lines[3]).toBe('counter@8  950–1,010');
  });
});
