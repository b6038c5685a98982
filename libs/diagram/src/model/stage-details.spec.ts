import { findBot } from '@parley/machines';
import { miniBot } from '../../test/mini.bot';
import { stageDetails } from './stage-details';

describe('stageDetails', () => {
  test('a stage: its prompt, the intents open there with examples and targets, the escape handlers on the way out', () => {
    const details = stageDetails(miniBot(), { affirm: ['yes', 'sure'], deny: [] });
    expect(Object.keys(details)).toEqual([
      'home:idle',
      'confirm:asking',
      'confirm:yes',
      'confirm:no',
      'order:askingSize',
      'order:confirming',
      'order:done',
    ]);
    expect(details['confirm:asking']).toEqual({
      context: 'confirm',
      stage: 'asking',
      type: 'atomic',
      prompt: 'Sure?',
      intents: [
        { intent: 'affirm', guard: '', to: 'yes', examples: ['yes', 'sure'] },
        { intent: 'deny', guard: '', to: 'no', examples: [] },
      ],
      events: [],
      escapes: [{ kind: 'cancel', at: 'confirm', to: 'no' }],
      contextIntents: [],
      botIntents: ['order.start', 'help'],
    });
    expect(details['order:confirming']).toMatchObject({
      dependOn: 'confirm',
      events: [{ event: 'xstate.done.actor.confirm', guard: '?', to: 'done' }],
    });
    expect(details['confirm:no']).toMatchObject({ type: 'final', result: 'cancelled' });
  });

  test('the same intent, guard and target is listed once', () => {
    const flavor = stageDetails(findBot('juice')!)['order:ordering.flavor']!;
    const keys = flavor.intents.map((i) => `${i.intent} ${i.guard} ${i.to}`);
    expect(new Set(keys).size).toBe(keys.length);
    // The form fills any slot a message gives (→ next); an off-menu flavor is refused twice, then fails the order.
    expect(keys).toEqual(['* ? ordering.next', '* ? null', '* ? ordering.flavor']);
  });
});
