import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { evaluateBot, formatReport } from './nlu.evaluator';

const machinesDir = resolve(__dirname, '../../../../machines');
const options = { machinesDir, cacheDir: mkdtempSync(join(tmpdir(), 'parley-gate-')), log: () => undefined };

// The issue-4 quality gate: held-out utterances, never copied into the corpus.
describe('NLU quality gate', () => {
  it('juice: intent accuracy ≥ 92% and entity F1 ≥ 95% on ≥ 80 held-out utterances', async () => {
    const report = await evaluateBot('juice', options);
    const summary = formatReport(report);
    expect(report.cases).toBeGreaterThanOrEqual(80);
    expect({ accuracy: report.intentAccuracy >= 0.92, f1: report.entityF1 >= 0.95, summary }).toEqual({ accuracy: true, f1: true, summary });
  });

  it('pizza: the English bot understands most of its held-out set', async () => {
    const report = await evaluateBot('pizza', options);
    expect(report.intentAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(report.entityF1).toBeGreaterThanOrEqual(0.9);
  });
});
