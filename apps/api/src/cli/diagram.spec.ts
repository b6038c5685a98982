import { parseDiagramArgs } from './diagram';

describe('npm run diagram arguments', () => {
  test('a bot, a format, options', () => {
    expect(parseDiagramArgs(['juice'])).toEqual({ bot: 'juice', format: 'svg', routing: false, expand: [] });
    expect(
      parseDiagramArgs([
        'juice',
        '--format',
        'mermaid',
        '--routing',
        '--expand',
        'order:offeringMembership',
        '--out',
        'x.mmd',
      ]),
    ).toEqual({
      bot: 'juice',
      format: 'mermaid',
      out: 'x.mmd',
      routing: true,
      expand: ['order:offeringMembership'],
    });
    expect(parseDiagramArgs(['juice', '--format', 'json', '--expand', 'all'])).toMatchObject({
      format: 'json',
      expand: 'all',
    });
  });

  test('--help answers; mistakes say what is wrong', () => {
    expect(parseDiagramArgs(['--help'])).toMatchObject({
      help: true,
      error: expect.stringContaining('usage: npm run diagram'),
    });
    expect(parseDiagramArgs(['juice', '--format', 'png'])).toEqual({
      error: expect.stringContaining("Unknown format 'png'"),
    });
    expect(parseDiagramArgs(['juice', '--format'])).toEqual({
      error: expect.stringContaining('--format needs a value'),
    });
    expect(parseDiagramArgs(['juice', '--colour'])).toEqual({
      error: expect.stringContaining('Unknown option --colour'),
    });
    expect(parseDiagramArgs([])).toEqual({ error: expect.stringContaining('Which bot?') });
    expect(parseDiagramArgs(['juice', 'pizza'])).toEqual({ error: expect.stringContaining('One bot at a time') });
  });
});
