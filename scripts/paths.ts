import { bots } from '@parley/machines';
import { pathsConfigs } from '../machines/paths.config';
import { BuiltinNlu } from '@parley/nlu';
import { pathsCommand, type PathsWorkspace } from '@parley/paths';
import { runCommand, type CommandSpec, type ParsedCommandLine } from '../apps/api/src/cli/command-line';

/** Where the path commands find the bots of `machines/`, with their built-in NLU, and where they write. */
export function workspace(): PathsWorkspace {
  return {
    bots,
    configs: pathsConfigs,
    machinesDir: 'machines',
    nlu: new BuiltinNlu({ log: () => undefined }),
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
}

export const pathsCommandSpec: CommandSpec = {
  name: 'npm run paths --',
  summary:
    "Generate path tests from a bot's statecharts: explore every state the bot can reach with real turns (the real\n" +
    "engine and NLU, corpus examples as the user's words), write readable transcripts and coverage.json to\n" +
    'machines/<bot>/paths/, and print the coverage and the model checks. `npm test` replays the transcripts.',
  positionals: [{ name: 'bot', required: true, description: bots.map((b) => b.id).join(', ') }],
  options: {
    check: { type: 'boolean', description: 'write nothing; fail when the committed files differ from what would be generated' },
    json: { type: 'boolean', description: 'print the report as one JSON object (npm run --silent paths …)' },
    'min-stages': { type: 'string', value: 'pct', description: 'fail when fewer than pct % of the stages are covered' },
    'min-transitions': {
      type: 'string',
      value: 'pct',
      description: 'fail when fewer than pct % of the authored transitions are covered',
    },
  },
  notes: ['Exit status: 0 done, 1 --check found differences or a gate failed, 2 bad usage.'],
};

/** The command line as `pathsCommand` reads it. */
export function pathsArgv({ positionals, values }: ParsedCommandLine): string[] {
  const argv = [...positionals];
  if (values.check === true) argv.push('--check');
  if (values.json === true) argv.push('--json');
  for (const gate of ['min-stages', 'min-transitions']) {
    if (typeof values[gate] === 'string') argv.push(`--${gate}`, values[gate]);
  }
  return argv;
}

if (require.main === module) {
  runCommand(pathsCommandSpec, (line) => pathsCommand(pathsArgv(line), workspace()));
}
