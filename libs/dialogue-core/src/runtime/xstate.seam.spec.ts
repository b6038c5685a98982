import { readFileSync } from 'node:fs';
import { createActor, createMachine, getStateNodes, raise, setup, type AnyActorRef } from 'xstate';
import {
  activeStateNodes,
  handledEventTypes,
  hasScheduledEvents,
  parentOf,
  sourceKeyOf,
  XSTATE_SEAM_VERSION,
} from './xstate.seam';

// These tests pin what Parley reads of XState's internals. If one fails after an XState upgrade, fix xstate.seam.ts
// (and only it), then update XSTATE_SEAM_VERSION.
describe('the XState seam', () => {
  const child = createMachine({
    id: 'child',
    initial: 'waiting',
    states: { waiting: { on: { go: 'done' } }, done: { type: 'final' } },
  });
  const parent = setup({ actors: { child } }).createMachine({
    id: 'parent',
    initial: 'outer',
    states: {
      outer: {
        initial: 'inner',
        on: { 'intent.help': {} },
        states: {
          inner: {
            invoke: { id: 'kid', src: 'child' },
            on: { 'intent.yes': 'other', later: { actions: raise({ type: 'tick' }, { delay: 60_000 }) } },
          },
          other: {},
        },
      },
    },
  });

  it('runs against the XState version it was written for', () => {
    const installed = (JSON.parse(readFileSync(require.resolve('xstate/package.json'), 'utf8')) as { version: string })
      .version;
    expect(installed).toBe(XSTATE_SEAM_VERSION);
  });

  it('reads the active state nodes as XState computes them from the state value', () => {
    const actor = createActor(parent).start();
    const snapshot = actor.getSnapshot();
    const ids = (nodes: readonly { id: string }[]) => nodes.map((node) => node.id);
    expect(ids(activeStateNodes(snapshot))).toEqual([...new Set(ids(getStateNodes(parent.root, snapshot.value)))]);
    expect(ids(activeStateNodes(snapshot))).toEqual(['parent', 'parent.outer', 'parent.outer.inner']);
    actor.stop();
  });

  it('lists the event types the active states handle', () => {
    const actor = createActor(parent).start();
    expect(handledEventTypes(actor.getSnapshot()).sort()).toEqual(['intent.help', 'intent.yes', 'later']);
    actor.stop();
  });

  it('finds the parent and the source key of an invoked actor', () => {
    const actor = createActor(parent).start();
    const kid = actor.getSnapshot().children.kid as AnyActorRef;
    expect(parentOf(kid)).toBe(actor);
    expect(parentOf(actor)).toBeUndefined();
    expect(sourceKeyOf(kid)).toBe('child');
    actor.stop();
  });

  it('sees delayed events waiting in the actor system', () => {
    const actor = createActor(parent).start();
    expect(hasScheduledEvents(actor)).toBe(false);
    actor.send({ type: 'later' });
    expect(hasScheduledEvents(actor)).toBe(true);
    actor.stop();
  });
});
