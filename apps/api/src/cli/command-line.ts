import { parseArgs } from 'node:util';

/** One option of a command: its `--name`, whether it takes a value, and the line `--help` prints for it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder in the help text, e.g. `id` for `--user <id>`. */
  value?: string;
  default?: string;
  description: string;
}

/** A command's interface: what `--help` prints and what the parser accepts. */
export interface CommandSpec {
  /** How the user runs it, e.g. `npm run chat --`. */
  name: string;
  summary: string;
  /** Positional arguments, in order. */
  positionals?: { name: string; required: boolean; description: string }[];
  options?: Record<string, OptionSpec>;
  /** Environment variables the command reads, with their meaning. */
  environment?: Record<string, string>;
  /** Lines shown after the options, e.g. examples. */
  notes?: string[];
}

export interface ParsedCommandLine {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** A command line the command cannot run with: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
}

/** `--help` was asked for: print the help, exit code 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}

/**
 * Parse a command line strictly with `node:util` `parseArgs`: unknown options, missing values, extra or missing
 * positionals are a `UsageError`; `-h`/`--help` anywhere is `HelpRequested`.
 *
 * @example
 * const { positionals, values } = parseCommandLine(chatCommand, ['juice', '--user', 'ann']);
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): ParsedCommandLine {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested();
  const expected = spec.positionals ?? [];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(spec.options ?? {}).map(([name, option]) => [
          name,
          { type: option.type, ...(option.short ? { short: option.short } : {}) },
        ]),
      ),
      allowPositionals: expected.length > 0,
      strict: true,
    });
  } catch (error) {
    // Node's messages go on about `--` to pass a positional that starts with '-': the first sentence is the point.
    const message = (error instanceof Error ? error.message : String(error)).replace(/^\w+ \[\w+\]: /, '');
    const first = message.split(/(?<=\.) /)[0]!;
    throw new UsageError(first.endsWith('.') ? first : `${first}.`);
  }
  const positionals = parsed.positionals;
  if (positionals.length > expected.length) {
    throw new UsageError(`Unexpected argument '${positionals[expected.length]}'.`);
  }
  const missing = expected.slice(positionals.length).find((p) => p.required);
  if (missing) throw new UsageError(`Missing <${missing.name}>: ${missing.description}.`);
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, option] of Object.entries(spec.options ?? {})) {
    const value = parsed.values[name];
    if (option.type === 'string' && value === '') throw new UsageError(`Option '--${name}' needs a value.`);
    values[name] = typeof value === 'string' || typeof value === 'boolean' ? value : option.default;
  }
  return { positionals, values };
}

/** The text `--help` prints: usage line, summary, arguments, options, environment, notes. */
export function helpText(spec: CommandSpec): string {
  const positionals = (spec.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`));
  const options = Object.entries(spec.options ?? {});
  const rest = [...positionals, ...(options.length ? ['[options]'] : [])];
  // `npm start --` alone reads as a typo: the `--` only matters when something follows it.
  const usage = [rest.length ? spec.name : spec.name.replace(/ --$/, ''), ...rest].join(' ');
  const rows = (entries: [string, string][]) => {
    const width = Math.max(...entries.map(([left]) => left.length)) + 2;
    return entries.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
  };
  const lines = [`Usage: ${usage}`, '', spec.summary];
  if (spec.positionals?.length) {
    lines.push('', 'Arguments:', ...rows(spec.positionals.map((p) => [p.required ? `<${p.name}>` : `[${p.name}]`, p.description])));
  }
  lines.push(
    '',
    'Options:',
    ...rows([
      ...options.map(([name, o]): [string, string] => [
        `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` <${o.value}>` : ''}`,
        `${o.description}${o.default !== undefined ? ` (default: ${o.default})` : ''}`,
      ]),
      ['-h, --help', 'show this help'],
    ]),
  );
  if (spec.environment && Object.keys(spec.environment).length) {
    lines.push('', 'Environment:', ...rows(Object.entries(spec.environment)));
  }
  if (spec.notes?.length) lines.push('', ...spec.notes);
  return `${lines.join('\n')}\n`;
}

/**
 * Run a command's `main` with its parsed command line and exit: 0 after `--help`, 2 (with the reason and a pointer
 * to `--help`) on a bad command line, `main`'s code otherwise, 1 if it throws.
 */
export function runCommand(spec: CommandSpec, main: (args: ParsedCommandLine) => Promise<number>): void {
  let args: ParsedCommandLine;
  try {
    args = parseCommandLine(spec, process.argv.slice(2));
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(helpText(spec));
      process.exit(0);
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nRun '${spec.name} --help' for the options.\n`);
    process.exit(2);
  }
  main(args).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
