import { writeFile } from 'node:fs/promises';
import { buildDiagram, renderSvg, toMermaid, toXStateConfig } from '@parley/diagram';
import { bots, findBot } from '@parley/machines';
import { corpusExamples } from '../studio/bot-files';

export type DiagramFormat = 'svg' | 'mermaid' | 'json';

export interface DiagramArgs {
  bot: string;
  format: DiagramFormat;
  out?: string;
  routing: boolean;
  expand: 'all' | string[];
}

export const DIAGRAM_USAGE = `usage: npm run diagram -- <bot> [--format svg|mermaid|json] [--out <file>] [--routing] [--expand all|<stage>,…]

  Draw a bot: every thread, context and stage, and the transitions between them.

  --format svg      the Studio's drawing (default), laid out by ELK
  --format mermaid  a Mermaid stateDiagram-v2
  --format json     XState's machine config (JSON) of the whole bot, for the Stately visualizer
  --out <file>      write to a file instead of stdout
  --routing         also draw Parley's generated routing (turn forwarding, bubbling)
  --expand …        draw the contexts that dependOn stages start inside them: 'all', or stage ids
                    like order:offeringMembership (svg and mermaid)`;

export function parseDiagramArgs(argv: readonly string[]): DiagramArgs | { error: string; help?: true } {
  let bot: string | undefined;
  let format: DiagramFormat = 'svg';
  let out: string | undefined;
  let routing = false;
  let expand: 'all' | string[] = [];
  const value = (i: number, name: string) => {
    const v = argv[i];
    return v && !v.startsWith('--') ? v : { error: `${name} needs a value.\n${DIAGRAM_USAGE}` };
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { error: DIAGRAM_USAGE, help: true };
    if (arg === '--routing') routing = true;
    else if (arg === '--format' || arg === '--out' || arg === '--expand') {
      const v = value(++i, arg);
      if (typeof v !== 'string') return v;
      if (arg === '--format') {
        if (v !== 'svg' && v !== 'mermaid' && v !== 'json')
          return { error: `Unknown format '${v}'.\n${DIAGRAM_USAGE}` };
        format = v;
      } else if (arg === '--out') out = v;
      else expand = v === 'all' ? 'all' : v.split(',').filter(Boolean);
    } else if (arg.startsWith('-')) return { error: `Unknown option ${arg}.\n${DIAGRAM_USAGE}` };
    else if (!bot) bot = arg;
    else return { error: `One bot at a time.\n${DIAGRAM_USAGE}` };
  }
  if (!bot) return { error: `Which bot? ${bots.map((b) => b.id).join(', ')}.\n${DIAGRAM_USAGE}` };
  return { bot, format, out, routing, expand };
}

/** `npm run diagram -- <bot> --format svg|mermaid|json`: the bot's diagram on stdout or in a file. */
async function main(): Promise<number> {
  const args = parseDiagramArgs(process.argv.slice(2));
  if ('error' in args) {
    (args.help ? process.stdout : process.stderr).write(`${args.error}\n`);
    return args.help ? 0 : 2;
  }
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
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`diagram failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
