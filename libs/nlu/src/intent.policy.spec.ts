import { decideIntent, isOpen } from './intent.policy';

const ranking = [
  { intent: 'weather.ask', confidence: 0.5 },
  { intent: 'inform', confidence: 0.4 },
  { intent: null, confidence: 0.1 },
];

describe('decideIntent', () => {
  it('takes the best intent when nothing is open', () => {
    expect(decideIntent(ranking, []).intent).toBe('weather.ask');
  });

  it('prefers an open intent that is close to the best one', () => {
    const d = decideIntent(ranking, ['inform']);
    expect(d.intent).toBe('inform');
    expect(d.confidence).toBe(0.4);
    expect(d.alternatives[0]).toEqual({ intent: 'weather.ask', confidence: 0.5 });
  });

  it('keeps a clearly better closed intent over an open one', () => {
    const clear = [{ intent: 'cancel', confidence: 0.8 }, { intent: 'inform', confidence: 0.15 }];
    expect(decideIntent(clear, ['inform']).intent).toBe('cancel');
  });

  it('answers "not understood" below the threshold instead of guessing', () => {
    const weak = [{ intent: 'greet', confidence: 0.3 }, { intent: 'help', confidence: 0.25 }];
    const d = decideIntent(weak, []);
    expect(d.intent).toBeNull();
    expect(d.alternatives.map((a) => a.intent)).toEqual(['greet', 'help']);
    expect(decideIntent(weak, [], { threshold: 0.2 }).intent).toBe('greet');
  });

  it('lets an open intent pass a threshold a closed one would not', () => {
    const weak = [{ intent: 'greet', confidence: 0.35 }];
    expect(decideIntent(weak, []).intent).toBeNull();
    expect(decideIntent(weak, ['greet']).intent).toBe('greet');
  });

  it('answers "not understood" when the out-of-scope class wins', () => {
    expect(decideIntent([{ intent: null, confidence: 0.9 }, { intent: 'greet', confidence: 0.1 }], []).intent).toBeNull();
  });
});

describe('isOpen', () => {
  it('matches names, dotted wildcards and *', () => {
    expect(isOpen('order.juice', ['order.*'])).toBe(true);
    expect(isOpen('orders', ['order.*'])).toBe(false);
    expect(isOpen('greet', ['*'])).toBe(true);
    expect(isOpen('greet', ['help'])).toBe(false);
  });
});
