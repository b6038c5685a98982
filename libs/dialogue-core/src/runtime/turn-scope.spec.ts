import { DialogueError } from '../errors';
import { createTurnScope, currentTurn, record, runInTurnScope } from './turn-scope';

describe('the turn scope', () => {
  it('is an error to read outside a turn, never a stand-in with a clock at 1970', () => {
    expect(() => currentTurn()).toThrow(DialogueError);
    expect(() => currentTurn()).toThrow(/outside a turn/);
    expect(() => record({ type: 'parley.reask' })({})).toThrow(/outside a turn/);
  });

  it('is the scope of the turn that runs', () => {
    const scope = createTurnScope({
      conversationId: 'c1',
      userId: 'u1',
      catalog: { bot: 'b', declarations: {} },
      view: {},
      memoryPort: { read: async (addresses) => addresses.map(() => undefined) },
      clock: { now: () => new Date('2026-12-02T00:00:00Z') },
      services: {},
    });
    runInTurnScope(scope, () => record({ type: 'parley.reask' })({}));
    expect(scope.emitted).toEqual([{ type: 'parley.reask' }]);
    expect(runInTurnScope(scope, () => currentTurn().clock.now().getUTCFullYear())).toBe(2026);
  });
});
