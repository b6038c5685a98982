import { parseCommandLine, HelpRequested, UsageError } from './command-line';
import { diagramArgs, diagramCommand } from './diagram';

const parse = (argv: string[]) => diagramArgs(parseCommandLine(diagramCommand, argv));

describe('npm run diagram arguments', () => {
  test('a bot, a format, options', () => {
    expect(parse(['juice'])).toEqual({ bot: 'juice', format: 'svg', routing: false, expand: [] });
    expect(
      parse(['juice', '--format', 'mermaid', '--routing', '--expand', 'order:offeringMembership', '--out', 'x.mmd']),
    ).toEqual({ bot: 'juice', format: 'mermaid', out: 'x.mmd', routing: true, expand: ['order:offeringMembership'] });
    expect(parse(['juice', '--format', 'json', '--expand', 'all'])).toMatchObject({ format: 'json', expand: 'all' });
  });

  test('--help answers; mistakes say what is wrong', () => {
    expect(() => parse(['--help'])).toThrow(HelpRequested);
    expect(() => parse(['juice', '--format', 'png'])).toThrow(/Unknown format 'png'/);
    expect(() => parse(['juice', '--format'])).toThrow(UsageError);
    expect(() => parse(['juice', '--colour'])).toThrow(/colour/);
    expect(() => parse([])).toThrow(/Missing <bot>/);
    expect(() => parse(['juice', 'pizza'])).toThrow(/Unexpected argument 'pizza'/);
  });
});
