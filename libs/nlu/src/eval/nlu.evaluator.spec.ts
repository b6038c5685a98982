import type { NluPort } from '../nlu.types';
import { evaluateCases, formatReport } from './nlu.evaluator';

describe('evaluateCases', () => {
  it('scores intents, entities and confusion pairs', async () => {
    const fake: NluPort = {
      understand: async (text) =>
        text === 'a'
          ? { intent: 'greet', confidence: 1, alternatives: [], entities: [{ name: 'city', value: '长沙' }, { name: 'number', value: 1 }] }
          : { intent: 'help', confidence: 0.6, alternatives: [], entities: [] },
    };
    const report = await evaluateCases(fake, 'x', 'zh-CN', [
      { text: 'a', intent: 'greet', entities: [{ name: 'city', value: '长沙' }] },
      { text: 'b', intent: 'quit', entities: [{ name: 'date', value: 'today+1' }] },
    ]);
    expect(report).toMatchObject({ cases: 2, intentAccuracy: 0.5, entityPrecision: 0.5, entityRecall: 0.5, entityF1: 0.5 });
    expect(report.confusions).toEqual([{ expected: 'quit', predicted: 'help', count: 1 }]);
    expect(report.misses[1]).toMatchObject({ missingEntities: ['date=2026-03-11'] });
    expect(formatReport({ ...report, bot: 'x' })).toMatch(/quit → help {2}×1/);
  });
});
