import { pathsCommand, readTranscripts, TranscriptReplay, type PathsReport } from '@parley/paths';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coffee } from '../../dialogue-core/test/readme-coffee.bot';
import { FIXTURES, fixtureNlu } from './toast.nlu';

const README = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

// The README's coffee bot, with the README's corpus and no path settings at all.
describe("path tests of the README's coffee bot, with no configuration", () => {
  const nlu = fixtureNlu();
  const machinesDir = mkdtempSync(join(tmpdir(), 'parley-coffee-'));
  const out: string[] = [];
  let status: number;

  beforeAll(async () => {
    status = await pathsCommand(['coffee', '--json'], {
      bots: [coffee],
      machinesDir,
      nlu,
      out: (t) => out.push(t),
      err: () => undefined,
    });
  });

  it('uses the corpus the README shows', () => {
    const block = /```yaml\n {3}# machines\/coffee\/nlu\/corpus\.yaml\n([\s\S]*?) {3}```/.exec(README)![1]!;
    const corpus = block.replace(/^ {3}/gm, '');
    expect(readFileSync(join(FIXTURES, 'coffee', 'nlu', 'corpus.yaml'), 'utf8')).toBe(corpus);
  });

  it('generates paths that cover every stage, and reports the intent the corpus has no example of', () => {
    expect(status).toBe(0);
    const report = JSON.parse(out.join('\n')) as PathsReport;
    expect(report).toMatchObject({
      bot: 'coffee',
      paths: 4,
      stages: { covered: 7, total: 7 },
      transitions: { covered: 7, total: 8 },
      escapes: { covered: 1, total: 1 },
    });
    expect(report.uncovered).toEqual([
      {
        kind: 'transition',
        context: '(bot)',
        stage: '',
        event: 'intent.help',
        item: '(bot): intent.help',
        reason: 'no example',
      },
    ]);
    expect(report.findings.map((f) => `${f.kind} ${f.context}`)).toEqual(['no-example (bot)']);
  });

  it('writes transcripts that replay on the bot, as the README shows them', async () => {
    const files = readTranscripts(join(machinesDir, 'coffee', 'paths'), 'coffee');
    const replay = new TranscriptReplay(coffee, nlu);
    for (const file of files) for (const path of file.paths) expect(await replay.play(file.now, path)).toBeUndefined();
    const shown = /```text\n# machines\/coffee\/paths\/order\.paths\.txt \(excerpt\)\n([\s\S]*?)```/.exec(README)?.[1];
    expect(shown).toBeDefined();
    expect(readFileSync(join(machinesDir, 'coffee', 'paths', 'order.paths.txt'), 'utf8')).toContain(shown);
  });
});
