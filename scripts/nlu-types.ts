import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bots } from '@parley/machines';
import { entityTypesFile } from '@parley/nlu';
import { runCommand, type CommandSpec } from '../apps/api/src/cli/command-line';

export const nluTypesCommand: CommandSpec = {
  name: 'npm run nlu:types --',
  summary:
    "Write machines/<bot>/nlu/entities.ts: the TypeScript type of each entity's values, from the bot's NLU corpus,\n" +
    'for its kit (botKit<{ entities: <Bot>Entities }>()). Run it after changing the corpus.',
  positionals: [{ name: 'bot', required: true, description: bots.map((b) => b.id).join(', ') }],
  options: {
    check: { type: 'boolean', description: 'write nothing; exit 1 when the file is not what the corpus gives' },
  },
};

if (require.main === module) {
  runCommand(nluTypesCommand, async ({ positionals, values }) => {
    const bot = positionals[0]!;
    const file = await entityTypesFile(bot, resolve('machines'));
    if (values.check === true) {
      if (file.current) return 0;
      process.stderr.write(`${file.path} is not current: run \`npm run nlu:types -- ${bot}\`.\n`);
      return 1;
    }
    writeFileSync(file.path, file.source);
    process.stdout.write(`wrote ${file.path}\n`);
    return 0;
  });
}
