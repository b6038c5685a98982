import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusExamples, pathCoverage, readCoverage } from './bot-files';

const summary = {
  bot: 'juice',
  paths: 42,
  stages: { covered: 20, total: 21 },
  transitions: { covered: 50, total: 55 },
  escapes: { covered: 4, total: 4 },
  findings: [
    { kind: 'unreachable', context: 'order', stage: 'confirmingRepeat', message: 'needs a returning customer' },
  ],
};

describe('files a bot keeps beside its code', () => {
  test('a coverage summary is read when present, nothing otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-machines-'));
    expect(await pathCoverage('juice', dir)).toBeUndefined();
    mkdirSync(join(dir, 'juice', 'paths'), { recursive: true });
    writeFileSync(join(dir, 'juice', 'paths', 'coverage.json'), JSON.stringify(summary));
    expect(await pathCoverage('juice', dir)).toEqual(summary);
    writeFileSync(join(dir, 'juice', 'paths', 'coverage.json'), '{ not json');
    expect(await pathCoverage('juice', dir)).toBeUndefined();
  });

  test('only the documented shape counts as coverage', () => {
    expect(readCoverage({ ...summary, stages: { covered: '20', total: 21 } })).toBeUndefined();
    expect(readCoverage({ ...summary, bot: undefined })).toBeUndefined();
    expect(readCoverage([])).toBeUndefined();
    expect(readCoverage({ ...summary, findings: [{ kind: 7 }, null] })?.findings).toEqual([
      { kind: 'finding', message: '' },
    ]);
  });

  test('corpus examples by intent; none for a bot without a corpus', async () => {
    const examples = await corpusExamples('juice');
    expect(examples['order.juice']).toContain('我想买果汁');
    expect(await corpusExamples('no-such-bot')).toEqual({});
  });
});
