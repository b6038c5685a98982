import { bots } from '@parley/machines';
import { checkCommand } from '@parley/paths';
import { runCommand, type CommandSpec } from '../apps/api/src/cli/command-line';
import { pathsArgv, workspace } from './paths';

export const checkCommandSpec: CommandSpec = {
  name: 'npm run check --',
  summary:
    'Model checks of a bot, on the same graph as its path tests: dead ends (no final stage reachable), unreachable\n' +
    'stages, questions with no way out but escapes, intents handled with no corpus example, missing prompts; and what\n' +
    'the exploration met on the way (corpus examples the NLU misroutes, silences, engine errors). Each finding names\n' +
    'the context and the stage and says how to fix it.',
  positionals: [{ name: 'bot', required: true, description: bots.map((b) => b.id).join(', ') }],
  options: { json: { type: 'boolean', description: 'print { bot, findings } as one JSON object (npm run --silent check …)' } },
  notes: ['Exit status: 0 no findings, 1 findings, 2 bad usage.'],
};

if (require.main === module) {
  runCommand(checkCommandSpec, (line) => checkCommand(pathsArgv(line), workspace()));
}
