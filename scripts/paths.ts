import { bots, pathsConfigs } from '@parley/machines';
import { BuiltinNlu } from '@parley/nlu';
import { pathsCommand, checkCommand, type PathsWorkspace } from '@parley/paths';

/**
 * `npm run paths -- <bot>` and `npm run check -- <bot>` (see `--help`): path tests and model checks of the bots in
 * `machines/`, with their built-in NLU.
 */
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

if (require.main === module) {
  const [command, ...argv] = process.argv.slice(2);
  const run = command === 'check' ? checkCommand : pathsCommand;
  run(argv, workspace()).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
