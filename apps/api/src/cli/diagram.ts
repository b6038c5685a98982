import { writeFile } from 'node:fs/promises';
import { buildDiagram, renderSvg, toMermaid, toXStateConfig } from '@parley/diagram';
import { bots, findBot } from '@parley/machines';
import { corpusExamples } from '../studio/bot-files';
import { runCommand, UsageError, type CommandSpec, type ParsedCommandLine } from './command-line';

export type DiagramFormat = 'svg' | 'mermaid' | 'json';

export interface DiagramArgs {
  bot: string;
  format: DiagramFormat;
  out?: string;
  routing: boolean;
  expand: 'all' | string[];
}

export const diagramCommand: CommandSpec = {
  name: 'npm run diagram --',
  summary: 'Draw a bot: every thread, context and stage, and the transitions between them.',
  positionals: [{ name: 'bot', required: true, description: bots.map((b) => b.id).join(', ') }],
  options: {
    format: {
      type: 'string',
      value: 'svg|mermaid|json',
      default: 'svg',
      description:
        "svg: the Studio's drawing, laid out by ELK; mermaid: a Mermaid stateDiagram-v2; json: XState's machine config of the whole bot, for the Stately visualizer",
    },
    out: { type: 'string', value: 'file', description: 'write to a file instead of stdout' },
    routing: { type: 'boolean', description: "also draw Parley's generated routing (turn forwarding, bubbling)" },
    expand: {
      type: 'string',
      value: 'all|stage,…',
      description: "draw the contexts that dependOn stages start inside them: 'all', or stage ids like order:offeringMembership (svg, mermaid)",
    },
  },
};

/** The command line as the diagram needs it (after `parseCommandLine`): a usage error for a format it cannot draw. */
export function diagramArgs({ positionals, values }: ParsedCommandLine): DiagramArgs {
  const format = values.format;
  if (format !== 'svg' && format !== 'mermaid' && format !== 'json') {
    throw new UsageError(`Unknown format '${String(format)}': use svg, mermaid or json.`);
  }
  const expand = typeof values.expand === 'string' ? values.expand : '';
  return {
    bot: positionals[0]!,
    format,
    ...(typeof values.out === 'string' ? { out: values.out } : {}),
    routing: values.routing === true,
    expand: expand === 'all' ? 'all' : expand.split(',').filter(Boolean),
  };
}

/** `npm run diagram -- <bot> --format svg|mermaid|json`: the bot's diagram on stdout or in a file. */
async function main(args: DiagramArgs): Promise<number> {
  const bot = findBot(args.bot);
  if (!bot) {
    process.stderr.write(`No bot '${args.bot}'. Bots: ${bots.map((b) => b.id).join(', ')}.\n`);
    return 2;
  }
  let text: string;
  if (args.format === 'json') text = `${JSON.stringify(toXStateConfig(bot), null, 2)}\n`;
  else {
    const diagram = buildDiagram(bot, {
      routing: args.routing,
      expand: args.expand,
      examples: args.format === 'svg' ? await corpusExamples(bot.id) : undefined,
    });
    text = args.format === 'svg' ? `${await renderSvg(diagram)}\n` : toMermaid(diagram);
  }
  if (args.out) {
    await writeFile(args.out, text);
    process.stderr.write(`${args.format} diagram of ${bot.id} written to ${args.out}\n`);
  } else process.stdout.write(text);
  return 0;
}

if (require.main === module) {
  runCommand(diagramCommand, async (line) => {
    let args: DiagramArgs;
    try {
      args = diagramArgs(line);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\nRun '${diagramCommand.name} --help' for the options.\n`);
      return 2;
    }
    return main(args);
  });
}
