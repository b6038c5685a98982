import { formatTranscriptFile, generatePaths, type GeneratedPaths } from '@parley/paths';
import { fixtureNlu } from './toast.nlu';
import { toastBot } from './toast.bot';

// The toast bot's graph, worked out by hand:
//   home.idle        —  a toast please → order.askingSize; cancel, go back, not understood → itself; bye → (ended)
//   order.askingSize —  accepts any intent with a size (intent.*): small / large → order.confirming; a toast, yes,
//                       no, not understood → itself; cancel, go back → home.idle; bye → (ended)       (9 events)
//   order.confirming —  yes → home.idle (done); no, go back → order.askingSize; cancel → home.idle; a toast,
//                       not understood → itself; bye → (ended)                                          (7 events)
// 4 states, 5 + 9 + 7 = 21 edges. Three paths cover everything: order and confirm; say no; cancel.
describe('the path tests of a small bot, with numbers known by hand', () => {
  const nlu = fixtureNlu();
  let generated: GeneratedPaths;

  beforeAll(async () => {
    generated = await generatePaths({ bot: toastBot(), nlu, corpus: await nlu.corpus('toast') });
  });

  it('explores every state with every event: 4 states, 21 turns', () => {
    expect(generated.report.graph).toMatchObject({
      states: 4,
      edges: 21,
      turns: 21,
      boundedOut: { depth: 0, stacked: 0, states: 0 },
    });
  });

  it('covers every stage, authored transition and escape handler with 3 paths', () => {
    const { report } = generated;
    expect(report.paths).toBe(3);
    expect(report.stages).toEqual({ covered: 4, total: 4 });
    expect(report.transitions).toEqual({ covered: 4, total: 4 });
    expect(report.escapes).toEqual({ covered: 1, total: 1 });
    expect(report.contexts).toEqual([
      {
        context: 'home',
        stages: { covered: 1, total: 1 },
        transitions: { covered: 0, total: 0 },
        escapes: { covered: 0, total: 0 },
      },
      {
        context: 'order',
        stages: { covered: 3, total: 3 },
        transitions: { covered: 3, total: 3 },
        escapes: { covered: 1, total: 1 },
      },
      {
        context: '(bot)',
        stages: { covered: 0, total: 0 },
        transitions: { covered: 1, total: 1 },
        escapes: { covered: 0, total: 0 },
      },
    ]);
    expect(report.uncovered).toEqual([]);
    expect(report.findings).toEqual([]);
  });

  it('writes readable transcripts, one file per context', () => {
    expect(generated.files.map((file) => file.name)).toEqual(['order.paths.txt']);
    expect(formatTranscriptFile(generated.files[0]!))
      .toBe(`# Path tests of bot 'toast', generated from its statecharts by \`npm run paths -- toast\`.
# Do not edit: change the bot, regenerate, and review the diff. Every path is a new conversation.
# U: the user · E: an external event · S: the sample that answered a service · B: the bot · @: the state after
# the turn · !: something the engine did wrong.
clock: 2026-01-05T09:00:00.000Z

## 1. stage order.done
covers: stage home.idle · stage order.askingSize · (bot): intent.order.toast · stage order.confirming · order.askingSize: intent.* [if …] → confirming · stage order.done · … 1 more
U: a toast please
B: Small or large?
@ order.askingSize
U: small
B: A small toast, right?
@ order.confirming
U: yes
B: Enjoy!
B: Anything else?
@ home.idle

## 2. order.confirming: intent.deny → askingSize
covers: order.confirming: intent.deny → askingSize
U: a toast please
B: Small or large?
@ order.askingSize
U: small
B: A small toast, right?
@ order.confirming
U: no
B: Small or large?
@ order.askingSize

## 3. order: escape.cancel
covers: order: escape.cancel
U: a toast please
B: Small or large?
@ order.askingSize
U: cancel
B: Toast cancelled.
B: Anything else?
@ home.idle
`);
  });
});
