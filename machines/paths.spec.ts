import { BuiltinNlu } from '@parley/nlu';
import {
  belowGates,
  compareFolder,
  folderContents,
  formatFindings,
  generatePaths,
  readTranscripts,
  TranscriptReplay,
} from '@parley/paths';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bots } from './index';
import { pathsConfigs } from './paths.config';

// The real NLU, trained from machines/<bot>/nlu.
const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const folder = (bot: string) => join(__dirname, bot, 'paths');

/** CI gates of the shipped bots' path tests (README: Path tests). */
const GATES = { stages: 100, transitions: 90 };

describe.each(bots.map((bot) => [bot.id, bot] as const))('path tests of %s', (id, bot) => {
  const files = readTranscripts(folder(id), id);
  const replay = new TranscriptReplay(bot, nlu, pathsConfigs[id]);

  it('are generated and committed (npm run paths -- <bot>)', () => {
    expect(files.map((file) => file.paths.length).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  // Every committed path, replayed through the real engine and NLU on the bot as it is.
  const paths = files.flatMap((file) =>
    file.paths.map((path) => [`${file.name} ${path.title}`, file.now, path] as const),
  );
  it.each(paths)('%s', async (_name, now, path) => {
    const problem = await replay.play(now, path);
    if (problem)
      throw new Error(`${problem}\n\nIf the change is intended: npm run paths -- ${id}, and review the diff.`);
  });

  it(`are what the bot generates now, cover ${GATES.stages}% of the stages and ${GATES.transitions}% of the transitions, and the model checks find nothing`, async () => {
    const { report, files: generated } = await generatePaths({
      bot,
      nlu,
      corpus: await nlu.corpus(id),
      config: pathsConfigs[id],
    });
    expect(compareFolder(folder(id), folderContents(generated, report))).toEqual([]);
    expect(belowGates(report, GATES)).toEqual([]);
    if (report.findings.length) throw new Error(formatFindings(report.findings));
  }, 600_000);
});
