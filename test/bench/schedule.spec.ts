import { alternatingSchedule, ratiosToBaseline, rotated } from '../../scripts/bench/schedule';

describe('the alternating schedule', () => {
  const steps = alternatingSchedule('upsert', ['a', 'b', 'c'], 3);

  it('puts a baseline round right before and right after every load round', () => {
    steps.forEach((step, i) => {
      if (step.load === 'upsert') return;
      expect(steps[i - 1]?.load).toBe('upsert');
      expect(steps[i + 1]?.load).toBe('upsert');
    });
    expect(steps[0]!.load).toBe('upsert');
    expect(steps.at(-1)!.load).toBe('upsert');
  });

  it('runs every load once a round, starting each round with a different one', () => {
    for (const round of [0, 1, 2]) {
      expect(
        steps
          .filter((s) => s.round === round && s.load !== 'upsert')
          .map((s) => s.load)
          .sort(),
      ).toEqual(['a', 'b', 'c']);
    }
    const firsts = [0, 1, 2].map((round) => steps.find((s) => s.round === round && s.load !== 'upsert')!.load);
    expect(firsts).toEqual(['a', 'b', 'c']);
    expect(steps).toHaveLength(3 * 3 * 2 + 1);
  });

  it('refuses a baseline that is also a load', () => {
    expect(() => alternatingSchedule('a', ['a', 'b'], 1)).toThrow(/baseline 'a'/);
  });

  it('compares each load round with the mean of the baseline rounds beside it', () => {
    const s = alternatingSchedule('u', ['a', 'b'], 1); // u a u b u
    const ratios = ratiosToBaseline(s, [100, 50, 300, 20, 100], 'u');
    expect(ratios.get('a')).toEqual([50 / 200]);
    expect(ratios.get('b')).toEqual([20 / 200]);
    expect(ratios.has('u')).toBe(false);
  });

  it('rotates a list by the round', () => {
    expect(rotated(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotated(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
    expect(rotated([], 3)).toEqual([]);
  });
});
