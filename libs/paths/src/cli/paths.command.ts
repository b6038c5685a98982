import type { BotDefinition, NluPort } from '@parley/dialogue-core';
import { NluError, type Corpus } from '@parley/nlu';
import { join } from 'node:path';
import { compareFolder, folderContents, writeFolder } from '../output/paths.folder';
import { generatePaths, type GeneratedPaths } from '../path.generator';
import type { PathsConfig } from '../paths.config';
import { belowGates, formatCoverage, formatFindings } from '../report/coverage.table';

/** Where the commands find bots, their NLU and their path settings, and where they write. */
export interface PathsWorkspace {
  bots: readonly BotDefinition[];
  /** Optional path-test settings per bot id. */
  configs?: Readonly<Record<string, PathsConfig>>;
  /** The bots' folder (`machines/`): a bot's transcripts go to `<machinesDir>/<bot>/paths/`. */
  machinesDir: string;
  /** The bots' real NLU and its corpus per bot (the built-in NLU trained from `<machinesDir>/<bot>/nlu/`). */
  nlu: NluPort & { corpus(bot: string): Promise<Corpus> };
  out: (text: string) => void;
  err: (text: string) => void;
}

export const PATHS_USAGE = `usage: npm run paths -- <bot> [--check] [--json] [--min-stages <pct>] [--min-transitions <pct>]

Generates path tests from a bot's statecharts: explores every state the bot can reach with real turns (the real
engine, the real NLU, corpus examples as the user's words), writes readable transcripts and coverage.json to
machines/<bot>/paths/, and prints the coverage and the model checks. \`npm test\` replays the transcripts.

  --check                  write nothing; fail when the committed files differ from what would be generated
  --json                   print the report as one JSON object instead of the table (npm run --silent paths …)
  --min-stages <pct>       fail when fewer than pct % of the stages are covered
  --min-transitions <pct>  fail when fewer than pct % of the authored transitions are covered
  --help                   this text

Settings (state identity, bounds, external event samples): see PathsConfig in libs/paths, e.g.
machines/juice/juice.paths.ts. Exit status: 0 done, 1 --check found differences or a gate failed, 2 bad usage.`;

export const CHECK_USAGE = `usage: npm run check -- <bot> [--json]

Model checks of a bot, on the same graph as its path tests: dead ends (no final stage reachable), unreachable
stages, questions with no way out but escapes, intents handled with no corpus example, missing prompts; and what
the exploration met on the way: corpus examples the NLU misroutes, turns the bot answers with silence, engine
errors. Each finding names the context and the stage and says how to fix it.

  --json   print { bot, findings } as one JSON object (npm run --silent check …)
  --help   this text

Exit status: 0 no findings, 1 findings, 2 bad usage.`;

interface Args {
  bot: string;
  check: boolean;
  json: boolean;
  gates: { stages?: number; transitions?: number };
}

function parse(argv: readonly string[], usage: string, options: readonly string[]): Args | string {
  const args: Args = { bot: '', check: false, json: false, gates: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return usage;
    if (!arg.startsWith('-')) {
      if (args.bot) return `One bot at a time.\n\n${usage}`;
      args.bot = arg;
    } else if (!options.includes(arg)) return `Unknown option ${arg}.\n\n${usage}`;
    else if (arg === '--check') args.check = true;
    else if (arg === '--json') args.json = true;
    else {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < 0 || value > 100) return `${arg} needs a percentage (0–100).\n\n${usage}`;
      if (arg === '--min-stages') args.gates.stages = value;
      else args.gates.transitions = value;
    }
  }
  if (!args.bot) return `Which bot?\n\n${usage}`;
  return args;
}

async function generate(args: Args, ws: PathsWorkspace): Promise<GeneratedPaths | number> {
  const bot = ws.bots.find((b) => b.id === args.bot);
  if (!bot) {
    ws.err(`No bot '${args.bot}'. Bots: ${ws.bots.map((b) => b.id).join(', ')}`);
    return 2;
  }
  let corpus: Corpus;
  try {
    corpus = await ws.nlu.corpus(bot.id);
  } catch (error) {
    if (!(error instanceof NluError) || error.code !== 'NLU_CORPUS_NOT_FOUND') throw error;
    ws.err(
      `Bot '${bot.id}' has no NLU corpus (${error.message}). Path tests say what users say with the corpus's examples: give the bot one in ${ws.machinesDir}/${bot.id}/nlu/ (README: Write a bot).`,
    );
    return 2;
  }
  return generatePaths({ bot, nlu: ws.nlu, corpus, config: ws.configs?.[bot.id] });
}

/** `npm run paths -- <bot>`: returns the exit status. */
export async function pathsCommand(argv: readonly string[], ws: PathsWorkspace): Promise<number> {
  const args = parse(argv, PATHS_USAGE, ['--check', '--json', '--min-stages', '--min-transitions']);
  if (typeof args === 'string') {
    (args === PATHS_USAGE ? ws.out : ws.err)(args);
    return args === PATHS_USAGE ? 0 : 2;
  }
  const generated = await generate(args, ws);
  if (typeof generated === 'number') return generated;
  const { report, files, stats } = generated;
  const dir = join(ws.machinesDir, args.bot, 'paths');
  const contents = folderContents(files, report);
  let status = 0;
  const problems: string[] = [];
  if (args.check) {
    const differences = compareFolder(dir, contents);
    if (differences.length) {
      status = 1;
      problems.push(
        `${dir} is not what the bot generates now (regenerate with \`npm run paths -- ${args.bot}\` and review the diff):`,
        ...differences.map((d) => `  ${d}`),
      );
    }
  } else writeFolder(dir, contents);
  const gates = belowGates(report, args.gates);
  if (gates.length) {
    status = 1;
    problems.push(...gates);
  }
  if (args.json) ws.out(JSON.stringify(report, null, 2));
  else {
    const where = args.check ? `checked against ${dir}` : `written to ${dir}`;
    ws.out(
      [
        `${report.bot}: ${report.paths} paths in ${files.length} file${files.length === 1 ? '' : 's'}, ${where}`,
        `graph: ${report.graph.states} states, ${report.graph.edges} edges, ${stats.turns} turns in ${(stats.ms / 1000).toFixed(1)} s` +
          boundsNote(report),
        '',
        formatCoverage(report),
        '',
        formatFindings(report.findings),
      ].join('\n'),
    );
  }
  if (problems.length) ws.err(problems.join('\n'));
  return status;
}

function boundsNote(report: GeneratedPaths['report']): string {
  const { depth, stacked, states } = report.graph.boundedOut;
  const parts = [
    depth ? `${depth} at the depth bound` : '',
    stacked ? `${stacked} past the stacked-threads bound` : '',
    states ? `${states} past the state bound` : '',
  ].filter(Boolean);
  return parts.length ? ` (not explored further: ${parts.join(', ')})` : '';
}

/** `npm run check -- <bot>`: returns the exit status. */
export async function checkCommand(argv: readonly string[], ws: PathsWorkspace): Promise<number> {
  const args = parse(argv, CHECK_USAGE, ['--json']);
  if (typeof args === 'string') {
    (args === CHECK_USAGE ? ws.out : ws.err)(args);
    return args === CHECK_USAGE ? 0 : 2;
  }
  const generated = await generate(args, ws);
  if (typeof generated === 'number') return generated;
  const { findings } = generated.report;
  if (args.json) ws.out(JSON.stringify({ bot: args.bot, findings }, null, 2));
  else ws.out(`${args.bot}: ${formatFindings(findings)}`);
  return findings.length ? 1 : 0;
}
