import { stageDetails } from '@parley/diagram';
import type { ActorNode } from '@parley/dialogue-core';
import { findBot } from '@parley/machines';
import { highlightFromPath, highlightFromTree, leafPaths } from './highlight';

const details = stageDetails(findBot('juice')!);

const actor = (src: string, value: unknown, children: ActorNode[] = []): ActorNode => ({
  id: src,
  src,
  status: 'active',
  value,
  context: {},
  children,
});

describe('diagram marks of a conversation', () => {
  test('state values become stage paths, parallel regions one each', () => {
    expect(leafPaths('askingIce')).toEqual(['askingIce']);
    expect(leafPaths({ taking: { size: 'asking', address: 'done' } })).toEqual([
      'taking.size.asking',
      'taking.address.done',
    ]);
  });

  test('from the actor tree: every thread, and a context running under a dependOn stage drawn inside it', () => {
    const tree = actor('process', { active: {} }, [
      actor('home', 'idle'),
      actor('order', 'offeringMembership', [actor('member', 'askingName')]),
      actor('weather', 'askingCity'),
    ]);
    expect(highlightFromTree(tree, 'order', details)).toEqual({
      expand: ['order:offeringMembership'],
      active: [
        'home:idle',
        'order:offeringMembership',
        'order:offeringMembership>member:askingName',
        'weather:askingCity',
      ],
      running: ['home', 'order', 'weather'],
      focus: 'order',
    });
  });

  test("from a turn's recorded path (the focused thread)", () => {
    expect(highlightFromPath(['order.offeringMembership', 'member.askingPhone'], 'order', details)).toEqual({
      expand: ['order:offeringMembership'],
      active: ['order:offeringMembership', 'order:offeringMembership>member:askingPhone'],
      running: ['order'],
      focus: 'order',
    });
    expect(highlightFromPath([], 'home', details)).toEqual({
      expand: [],
      active: [],
      running: ['home'],
      focus: 'home',
    });
  });
});
