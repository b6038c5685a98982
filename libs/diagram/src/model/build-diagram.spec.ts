import { findBot } from '@parley/machines';

const juice = findBot('juice')!;
import { miniBot } from '../../test/mini.bot';
import { buildDiagram } from './build-diagram';

const examples = { size: ['a large one', 'small please', 'medium', 'huge'], affirm: ['yes'] };

describe('buildDiagram', () => {
  test('a small bot gives exactly its threads, contexts, stages and transitions', () => {
    const diagram = buildDiagram(miniBot(), { examples });
    expect(diagram.bot).toBe('mini');
    expect(diagram.version).toBe(2);
    expect(diagram.nodes).toEqual([
      { id: 'process', kind: 'process', label: 'mini v2' },
      { id: 'process:intents', kind: 'intents', label: 'bot-wide', parent: 'process', lines: ['help: reply'] },
      {
        id: 'thread:home',
        kind: 'thread',
        label: 'thread home (home)',
        parent: 'process',
        context: 'home',
        home: true,
      },
      { id: 'home', kind: 'context', label: 'home', parent: 'thread:home', context: 'home' },
      { id: 'home:(initial)', kind: 'initial', label: '', parent: 'home', context: 'home' },
      {
        id: 'home:idle',
        kind: 'stage',
        label: 'idle',
        parent: 'home',
        context: 'home',
        stage: 'idle',
        stageType: 'atomic',
        prompt: 'Anything else?',
      },
      { id: 'thread:order', kind: 'thread', label: 'thread order', parent: 'process', context: 'order' },
      { id: 'order', kind: 'context', label: 'order', parent: 'thread:order', context: 'order', escapes: ['cancel'] },
      { id: 'order:(initial)', kind: 'initial', label: '', parent: 'order', context: 'order' },
      {
        id: 'order:askingSize',
        kind: 'stage',
        label: 'askingSize',
        parent: 'order',
        context: 'order',
        stage: 'askingSize',
        stageType: 'atomic',
        prompt: 'Size?',
      },
      {
        id: 'order:confirming',
        kind: 'stage',
        label: 'confirming',
        parent: 'order',
        context: 'order',
        stage: 'confirming',
        stageType: 'atomic',
        dependOn: 'confirm',
      },
      {
        id: 'order:done',
        kind: 'stage',
        label: 'done',
        parent: 'order',
        context: 'order',
        stage: 'done',
        stageType: 'final',
        result: 'done',
      },
      { id: 'thread:confirm', kind: 'thread', label: 'thread confirm', parent: 'process', context: 'confirm' },
      { id: 'confirm', kind: 'context', label: 'confirm', parent: 'thread:confirm', context: 'confirm' },
      { id: 'confirm:(initial)', kind: 'initial', label: '', parent: 'confirm', context: 'confirm' },
      {
        id: 'confirm:asking',
        kind: 'stage',
        label: 'asking',
        parent: 'confirm',
        context: 'confirm',
        stage: 'asking',
        stageType: 'atomic',
        prompt: 'Sure?',
      },
      {
        id: 'confirm:yes',
        kind: 'stage',
        label: 'yes',
        parent: 'confirm',
        context: 'confirm',
        stage: 'yes',
        stageType: 'final',
        result: 'done',
      },
      {
        id: 'confirm:no',
        kind: 'stage',
        label: 'no',
        parent: 'confirm',
        context: 'confirm',
        stage: 'no',
        stageType: 'final',
        result: 'cancelled',
      },
    ]);
    expect(diagram.edges.map((e) => [e.id, e.kind, e.source, e.target, e.label, e.intents])).toEqual([
      ['e1', 'opens', 'process:intents', 'thread:order', 'order.start', ['order.start']],
      ['e2', 'initial', 'home:(initial)', 'home:idle', '', []],
      ['e3', 'initial', 'order:(initial)', 'order:askingSize', '', []],
      ['e4', 'transition', 'order:askingSize', 'order:confirming', 'size [hasSize]', ['size']],
      ['e5', 'dependOn', 'order:confirming', 'confirm', 'starts confirm', []],
      ['e6', 'result', 'order:confirming', 'order:done', 'done', []],
      ['e7', 'initial', 'confirm:(initial)', 'confirm:asking', '', []],
      ['e8', 'transition', 'confirm:asking', 'confirm:yes', 'affirm', ['affirm']],
      ['e9', 'transition', 'confirm:asking', 'confirm:no', 'deny', ['deny']],
      ['e10', 'escape', 'confirm', 'confirm:no', 'cancel', []],
    ]);
  });

  test('intent edges carry sample utterances from the corpus, at most three per intent', () => {
    const edges = buildDiagram(miniBot(), { examples }).edges;
    expect(edges.find((e) => e.id === 'e4')!.samples).toEqual({ size: ['a large one', 'small please', 'medium'] });
    expect(edges.find((e) => e.id === 'e8')!.samples).toEqual({ affirm: ['yes'] });
    expect(edges.find((e) => e.id === 'e9')!.samples).toBeUndefined();
  });

  test('a dependOn stage expanded in place holds the context it starts, and links to it no more', () => {
    const diagram = buildDiagram(miniBot(), { expand: ['order:confirming'] });
    const inner = 'order:confirming>confirm';
    expect(diagram.nodes.find((n) => n.id === 'order:confirming')).toMatchObject({
      expanded: true,
      dependOn: 'confirm',
    });
    expect(diagram.nodes.filter((n) => n.parent === inner).map((n) => n.id)).toEqual([
      `${inner}:(initial)`,
      `${inner}:asking`,
      `${inner}:yes`,
      `${inner}:no`,
    ]);
    expect(diagram.nodes.find((n) => n.id === inner)).toMatchObject({ kind: 'context', parent: 'order:confirming' });
    expect(diagram.edges.filter((e) => e.kind === 'dependOn')).toEqual([]);
    expect(diagram.edges.map((e) => [e.kind, e.source, e.target, e.label])).toContainEqual([
      'escape',
      inner,
      `${inner}:no`,
      'cancel',
    ]);
  });

  test("Parley's generated routing is left out unless asked for", () => {
    expect(buildDiagram(miniBot()).edges.some((e) => e.kind === 'routing')).toBe(false);
    const routing = buildDiagram(miniBot(), { routing: true }).edges.filter((e) => e.kind === 'routing');
    expect(routing.map((e) => [e.source, e.target, e.label])).toEqual([
      ['process:intents', 'home', 'turn'],
      ['home', 'process:intents', 'bubble'],
      ['order:confirming', 'confirm', 'turn'],
      ['confirm', 'order:confirming', 'bubble'],
      ['process:intents', 'order', 'turn'],
      ['order', 'process:intents', 'bubble'],
      ['process:intents', 'confirm', 'turn'],
      ['confirm', 'process:intents', 'bubble'],
    ]);
  });

  test('juice: every context and stage of the bot is a node, and every edge joins two nodes', () => {
    const diagram = buildDiagram(juice);
    const ids = new Set(diagram.nodes.map((n) => n.id));
    expect(ids.size).toBe(diagram.nodes.length);
    for (const [key, machine] of Object.entries(juice.machines)) {
      expect(ids).toContain(key);
      for (const stage of Object.keys(machine.root.states)) expect(ids).toContain(`${key}:${stage}`);
    }
    for (const edge of diagram.edges) {
      expect(ids).toContain(edge.source);
      expect(ids).toContain(edge.target);
    }
    // The results of the membership offer, the service's answer, bot-wide intents opening threads.
    const labels = diagram.edges.map((e) => `${e.kind} ${e.source} → ${e.target}: ${e.label}`);
    expect(labels).toEqual(
      expect.arrayContaining([
        'result order:offeringMembership → order:paying: done',
        'dependOn order:offeringMembership → member: starts member',
        'service weather:forecasting → weather:answering: forecast done',
        'opens process:intents → thread:order: order.juice, order.resume',
        'escape member → member:declined: cancel',
        'always order:start → order:confirmingRepeat: [isReturning]',
      ]),
    );
  });
});

describe('buildDiagram of a form', () => {
  test("the form's slots are stages, and it goes on with a 'done' edge when they are filled", () => {
    const diagram = buildDiagram(juice);
    const ids = diagram.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['order:ordering', 'order:ordering.flavor', 'order:ordering.ice', 'order:ordering.package']));
    const out = diagram.edges.filter((e) => e.source === 'order:ordering');
    expect(out.map((e) => [e.target, e.label])).toEqual(
      expect.arrayContaining([['order:offeringMembership', 'done'], ['order:paying', 'done [isMember]']]),
    );
  });
});
