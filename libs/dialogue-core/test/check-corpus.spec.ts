import { intentsWithoutExamples } from '@parley/dialogue-core';
import { tripBot } from './trip.bot';

describe('intents without corpus examples', () => {
  const corpus = [
    'cancel',
    'quit',
    'back',
    'affirm',
    'deny',
    'trip.plan',
    'trip.resume',
    'news.read',
    'crash',
    'spin',
    'echo',
  ];

  it('names each bot-wide or stage intent the corpus cannot produce, and where it is handled', () => {
    const findings = intentsWithoutExamples(tripBot, corpus);
    expect(findings.map((f) => [f.intent, f.where])).toEqual([
      ['weather.ask', ['bot-wide']],
      ['weather.instead', ['news.reading']],
    ]);
    expect(findings[1]!.message).toMatch(/intents: \{ weather.instead: \[\.\.\.\] \}/);
  });

  it('finds nothing when every handled intent has examples', () => {
    expect(intentsWithoutExamples(tripBot, [...corpus, 'weather.ask', 'weather.instead'])).toEqual([]);
  });
});
