import { helpText, HelpRequested, parseCommandLine, UsageError, type CommandSpec } from './command-line';

const spec: CommandSpec = {
  name: 'npm run demo --',
  summary: 'A demo command.',
  positionals: [
    { name: 'bot', required: true, description: 'the bot' },
    { name: 'extra', required: false, description: 'something optional' },
  ],
  options: {
    user: { type: 'string', value: 'id', default: 'someone', description: 'who you are' },
    trace: { type: 'boolean', short: 't', description: 'show more' },
  },
  environment: { DEMO_DIR: 'where things go' },
  notes: ['Example: npm run demo -- juice'],
};

function usageError(argv: string[]): string {
  try {
    parseCommandLine(spec, argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  test('reads positionals, options in both spellings, and defaults', () => {
    expect(parseCommandLine(spec, ['juice'])).toEqual({ positionals: ['juice'], values: { user: 'someone', trace: undefined } });
    expect(parseCommandLine(spec, ['juice', 'x', '--user', 'ann', '-t'])).toEqual({
      positionals: ['juice', 'x'],
      values: { user: 'ann', trace: true },
    });
    expect(parseCommandLine(spec, ['--user=bob', 'juice']).values.user).toBe('bob');
  });

  test('a bad command line is a usage error that says what is wrong', () => {
    expect(usageError(['juice', '--bogus'])).toBe("Unknown option '--bogus'.");
    expect(usageError(['juice', '--user'])).toMatch(/--user/);
    expect(usageError(['juice', '--user='])).toBe("Option '--user' needs a value.");
    expect(usageError(['juice', 'x', 'y'])).toBe("Unexpected argument 'y'.");
    expect(usageError([])).toBe('Missing <bot>: the bot.');
    expect(usageError(['juice', '--trace=yes'])).toMatch(/--trace/);
  });

  test('--help or -h anywhere asks for the help, even next to a mistake', () => {
    expect(() => parseCommandLine(spec, ['--help'])).toThrow(HelpRequested);
    expect(() => parseCommandLine(spec, ['juice', '--bogus', '-h'])).toThrow(HelpRequested);
  });

  test('a command without positionals refuses one', () => {
    expect(() => parseCommandLine({ name: 'npm start --', summary: 'Serve.' }, ['juice'])).toThrow(UsageError);
  });
});

describe('helpText', () => {
  test('shows the usage line, every argument, option with its default, the environment and the notes', () => {
    const text = helpText(spec);
    expect(text.split('\n')[0]).toBe('Usage: npm run demo -- <bot> [extra] [options]');
    expect(text).toMatch(/<bot> +the bot/);
    expect(text).toMatch(/\[extra\] +something optional/);
    expect(text).toMatch(/--user <id> +who you are \(default: someone\)/);
    expect(text).toMatch(/-t, --trace +show more/);
    expect(text).toMatch(/-h, --help +show this help/);
    expect(text).toMatch(/Environment:\n {2}DEMO_DIR +where things go/);
    expect(text).toContain('Example: npm run demo -- juice');
  });

  test('a command with nothing to pass shows its plain name', () => {
    expect(helpText({ name: 'npm start --', summary: 'Serve.' }).split('\n')[0]).toBe('Usage: npm start');
  });
});
