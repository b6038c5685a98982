import { findBot } from '@parley/machines';

const juice = findBot('juice')!;
import { createActor, createMachine, type AnyStateNode } from 'xstate';
import { miniBot } from '../../test/mini.bot';
import { toXStateConfig } from './xstate-config.export';

/** Every state id of a machine, depth first. */
function stateIds(node: AnyStateNode): string[] {
  return [node.id, ...Object.values(node.states).flatMap(stateIds)];
}

describe('toXStateConfig', () => {
  test("is JSON that XState's createMachine accepts, with every context's stages inlined in its thread", () => {
    const config = JSON.parse(JSON.stringify(toXStateConfig(miniBot())));
    const machine = createMachine(config);
    expect(stateIds(machine.root)).toEqual([
      'mini',
      'mini.active',
      'mini.active.home',
      'mini.active.home.idle',
      'mini.active.home.running',
      'mini.active.home.running.idle',
      'mini.active.order',
      'mini.active.order.idle',
      'mini.active.order.running',
      'mini.active.order.running.askingSize',
      'mini.active.order.running.confirming',
      'mini.active.order.running.confirming.asking',
      'mini.active.order.running.confirming.yes',
      'mini.active.order.running.confirming.no',
      'mini.active.order.running.done',
      'mini.active.confirm',
      'mini.active.confirm.idle',
      'mini.active.confirm.running',
      'mini.active.confirm.running.asking',
      'mini.active.confirm.running.yes',
      'mini.active.confirm.running.no',
      'mini.ended',
    ]);
    expect(machine.getStateNodeById('mini.active.home.running.idle').meta).toEqual({ prompt: 'Anything else?' });
    expect(machine.getStateNodeById('mini.active.confirm.running.no').meta).toEqual({ result: 'cancelled' });
  });

  test('the exported machine runs: a bot-wide intent opens the thread, answers move through the stages', () => {
    const config = JSON.parse(JSON.stringify(toXStateConfig(miniBot())));
    const machine = createMachine(config).provide({
      guards: { hasSize: () => true, 'result:done': () => true },
    });
    const actor = createActor(machine).start();
    expect(actor.getSnapshot().value).toEqual({
      active: { home: { running: 'idle' }, order: 'idle', confirm: 'idle' },
    });
    actor.send({ type: 'intent.order.start' });
    actor.send({ type: 'intent.size' });
    expect(actor.getSnapshot().value).toMatchObject({ active: { order: { running: { confirming: 'asking' } } } });
    actor.send({ type: 'intent.affirm' });
    // confirm ended with yes (done): the dependOn stage's onDone took the order to its final stage, and the thread ended.
    expect(actor.getSnapshot().value).toMatchObject({ active: { order: 'idle' } });
    actor.send({ type: 'escape.quit' });
    expect(actor.getSnapshot().status).toBe('done');
    actor.stop();
  });

  test("juice's export builds too, and leaves Parley's routing out", () => {
    const config = toXStateConfig(juice);
    const text = JSON.stringify(config);
    expect(() => createMachine(JSON.parse(text))).not.toThrow();
    expect(text).not.toMatch(/"turn"|"bubble"|parley\.(bubble|deliverToSelf|forwardToChild)/);
    const order = createMachine(JSON.parse(text)).getStateNodeById('juice.active.order.running.offeringMembership');
    expect(Object.keys(order.states)).toEqual([
      'start',
      'alreadyMember',
      'offering',
      'askingName',
      'askingPhone',
      'joined',
      'declined',
    ]);
  });
});
