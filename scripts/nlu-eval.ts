import { evaluateBot, formatReport, type EvalReport, type EvaluateOptions } from '@parley/nlu';

/**
 * `npm run nlu:eval -- <bot>`: trains (or loads) the bot's built-in NLU and scores it on
 * `machines/<bot>/nlu/test-set.yaml`: intent accuracy, entity precision/recall/F1, confusion pairs.
 */
export async function runNluEval(bot: string, options: EvaluateOptions = {}): Promise<EvalReport> {
  const report = await evaluateBot(bot, options);
  console.log(formatReport(report));
  return report;
}

if (require.main === module) {
  const bot = process.argv[2] ?? 'juice';
  runNluEval(bot).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
