import { PathsError } from '../paths.error';
import { formatTranscriptFile, parseTranscriptFile } from './transcript.format';
import type { TranscriptFile } from './transcript.types';

const file: TranscriptFile = {
  name: 'weather.paths.txt',
  bot: 'juice',
  now: '2026-11-22T02:00:00.000Z',
  paths: [
    {
      title: '3. stage weather.done',
      covers: ['stage weather.done', 'weather: escape.failure → .done'],
      turns: [
        {
          input: { kind: 'say', text: '长沙明天天气怎么样' },
          services: [{ service: 'forecast', sample: 'unknownPlace' }],
          replies: ['抱歉, 暂时查不到长沙的天气。', 'two\nlines with a \\ backslash'],
          state: 'home.idle',
          notes: [],
        },
        {
          input: { kind: 'event', type: 'payment.confirmed', payload: { amount: 15 } },
          services: [],
          replies: [],
          state: 'order.paying | sleeping weather.askingCity',
          notes: ['the engine threw: DialogueError: TURN_TIMEOUT'],
        },
      ],
    },
  ],
};

describe('the transcript format', () => {
  it('reads back what it writes, line breaks and backslashes included', () => {
    const text = formatTranscriptFile(file);
    expect(text).toContain(
      'U: 长沙明天天气怎么样\nS: forecast → unknownPlace\nB: 抱歉, 暂时查不到长沙的天气。\nB: two\\nlines with a \\\\ backslash\n@ home.idle',
    );
    expect(text).toContain(
      'E: payment.confirmed {"amount":15}\n! the engine threw: DialogueError: TURN_TIMEOUT\n@ order.paying',
    );
    expect(parseTranscriptFile(file.name, file.bot, text)).toEqual(file);
  });

  it('says where a hand-edited file is broken', () => {
    expect(() => parseTranscriptFile('x.paths.txt', 'juice', 'clock: 2026-01-01T00:00:00Z\nU: hi')).toThrow(
      new PathsError('PATHS_TRANSCRIPT_INVALID', "x.paths.txt:2: expected '## <title>' before «U: hi»"),
    );
    expect(() => parseTranscriptFile('x.paths.txt', 'juice', '## 1. a path\nB: hello')).toThrow(
      "x.paths.txt:2: expected a 'U:' or 'E:' line before «B: hello»",
    );
    expect(() => parseTranscriptFile('x.paths.txt', 'juice', '## 1. a path\nU: hi\n@ home.idle')).toThrow(
      "no 'clock:' line",
    );
  });
});
