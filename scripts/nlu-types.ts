import { entityTypesFile } from '@parley/nlu';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const HELP = `npm run nlu:types -- <bot> [--check]

Writes machines/<bot>/nlu/entities.ts: the TypeScript type of each entity's values, from the bot's NLU corpus, for
its kit (botKit<{ entities: <Bot>Entities }>()). With --check, writes nothing and fails when the file is not current.

  --check       exit 1 when machines/<bot>/nlu/entities.ts differs from what the corpus gives
  --help        this text`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const bot = positionals[0];
  if (!bot || positionals.length > 1) {
    console.error(`Give one bot id.\n\n${HELP}`);
    return 2;
  }
  const file = await entityTypesFile(bot, resolve('machines'));
  if (values.check) {
    if (file.current) return 0;
    console.error(`${file.path} is not current: run \`npm run nlu:types -- ${bot}\`.`);
    return 1;
  }
  writeFileSync(file.path, file.source);
  console.log(`wrote ${file.path}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 2;
    },
  );
}
