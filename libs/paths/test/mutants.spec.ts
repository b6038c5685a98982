import { checkCommand, pathsCommand, readTranscripts, TranscriptReplay, type PathsWorkspace } from '@parley/paths';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toastBot, type ToastMutant } from './toast.bot';
import { fixtureNlu } from './toast.nlu';

const nlu = fixtureNlu();

/** A workspace with the toast bot (or a mutant of it) writing to a folder of its own; what the command printed. */
function workspace(mutant?: ToastMutant, machinesDir = mkdtempSync(join(tmpdir(), 'parley-paths-'))) {
  const out: string[] = [];
  const err: string[] = [];
  const ws: PathsWorkspace = {
    bots: [toastBot(mutant)],
    machinesDir,
    nlu,
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  };
  return { ws, out, err, machinesDir };
}

describe('the commands', () => {
  it('refuse a bot without a corpus, saying why', async () => {
    const { ws, err } = workspace();
    const silent = { ...toastBot(), id: 'silent' };
    expect(await pathsCommand(['silent'], { ...ws, bots: [silent] })).toBe(2);
    expect(err.join('\n')).toMatch(/^Bot 'silent' has no NLU corpus \(.*\)\. Path tests say what users say/);
  });
});

describe('mutants of the toast bot are caught by the right command', () => {
  it('npm run check passes the bot as it is', async () => {
    const { ws, out } = workspace();
    expect(await checkCommand(['toast'], ws)).toBe(0);
    expect(out.join('\n')).toBe('toast: model checks: no findings');
  });

  it('npm run check fails on a dead end, naming the context and stage and how to fix it', async () => {
    const { ws, out } = workspace('dead end');
    expect(await checkCommand(['toast', '--json'], ws)).toBe(1);
    const { findings } = JSON.parse(out.join('\n')) as {
      findings: { kind: string; context: string; stage: string; message: string }[];
    };
    expect(findings.map((f) => `${f.kind} ${f.context}.${f.stage}`)).toEqual([
      'dead-end order.outOfBread',
      'no-way-out order.outOfBread',
    ]);
    expect(findings[0]!.message).toContain("no final stage of 'order' can be reached");
    expect(findings[0]!.message).toContain('Add a transition that leads on to a finish(...) stage');
  });

  it('npm run check fails on an unreachable stage', async () => {
    const { ws, out } = workspace('unreachable stage');
    expect(await checkCommand(['toast'], ws)).toBe(1);
    const text = out.join('\n');
    expect(text).toContain('1 finding');
    expect(text).toContain(
      'unreachable at order.askingJam: Stage order.askingJam can never be reached: no transition leads to it.',
    );
  });

  it('npm run paths --check and the replay of the committed transcripts fail on a behaviour change', async () => {
    const committed = workspace();
    expect(await pathsCommand(['toast'], committed.ws)).toBe(0);
    expect(await pathsCommand(['toast', '--check'], workspace(undefined, committed.machinesDir).ws)).toBe(0);

    const changed = workspace('behaviour change', committed.machinesDir);
    expect(await pathsCommand(['toast', '--check'], changed.ws)).toBe(1);
    expect(changed.err.join('\n')).toContain(
      ['order.paths.txt: line 16 differs', '      committed: B: Enjoy!', '      generated: B: Enjoy your toast!'].join(
        '\n',
      ),
    );

    const files = readTranscripts(join(committed.machinesDir, 'toast', 'paths'), 'toast');
    const replay = new TranscriptReplay(toastBot('behaviour change'), nlu);
    const problems = await Promise.all(files[0]!.paths.map((path) => replay.play(files[0]!.now, path)));
    expect(problems[0]).toContain('1. stage order.done: after «yes» the bot said\n    Enjoy your toast!');
    expect(problems.slice(1)).toEqual([undefined, undefined]);
  });
});
