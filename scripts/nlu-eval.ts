import { resolve, join } from 'node:path';
import { bots } from '@parley/machines';
import { evaluateBot, formatReport, type EvalReport, type EvaluateOptions } from '@parley/nlu';
import { runCommand, type CommandSpec } from '../apps/api/src/cli/command-line';
import { loadConfig } from '../apps/api/src/config/app.config';

export const nluEvalCommand: CommandSpec = {
  name: 'npm run nlu:eval --',
  summary:
    "Train (or load from the cache) a bot's built-in NLU and score it on its held-out set: intent accuracy, entity\n" +
    'precision, recall and F1, confusion pairs and misses.',
  positionals: [{ name: 'bot', required: false, description: `${bots.map((b) => b.id).join(', ')} (default juice)` }],
  options: {
    'test-set': { type: 'string', value: 'file', description: 'the utterances to score (default machines/<bot>/nlu/test-set.yaml)' },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  environment: { PARLEY_DATA_DIR: 'the trained model cache is <PARLEY_DATA_DIR>/nlu-cache (default ./.parley)' },
};

/**
 * `npm run nlu:eval -- <bot>`: trains (or loads) the bot's built-in NLU and scores it on
 * `machines/<bot>/nlu/test-set.yaml`: intent accuracy, entity precision/recall/F1, confusion pairs.
 */
export async function runNluEval(bot: string, options: EvaluateOptions = {}, json = false): Promise<EvalReport> {
  const report = await evaluateBot(bot, options);
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report;
}

if (require.main === module) {
  runCommand(nluEvalCommand, async ({ positionals, values }) => {
    const bot = positionals[0] ?? 'juice';
    if (!bots.some((b) => b.id === bot)) {
      process.stderr.write(`No bot '${bot}'. Bots: ${bots.map((b) => b.id).join(', ')}\n`);
      return 2;
    }
    const testSet = values['test-set'];
    const { dataDir } = loadConfig(process.env);
    await runNluEval(
      bot,
      {
        cacheDir: join(dataDir, 'nlu-cache'),
        // Training lines go to stderr, so that --json prints JSON alone.
        log: (line) => process.stderr.write(`${line}\n`),
        ...(typeof testSet === 'string' ? { testSet: resolve(testSet) } : {}),
      },
      values.json === true,
    );
    return 0;
  });
}
