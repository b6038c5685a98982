import { JsonLogger } from './json.logger';

function capture(level: ConstructorParameters<typeof JsonLogger>[0]) {
  const lines: string[] = [];
  const logger = new JsonLogger(level, (line) => void lines.push(line));
  return { logger, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), lines };
}

describe('JsonLogger', () => {
  test('writes one JSON object per line: level name, ISO time, msg and the fields', () => {
    const { logger, entries, lines } = capture('info');
    logger.info('turn', { conversationId: 'c-1', durationMs: 2.5 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const [entry] = entries();
    expect(entry).toEqual({ level: 'info', time: expect.any(String), msg: 'turn', conversationId: 'c-1', durationMs: 2.5 });
    expect(new Date(entry!.time as string).toISOString()).toBe(entry!.time);
  });

  test('takes Nest\'s conventions: a context name, an error with its code and cause, log and verbose as debug', () => {
    const { logger, entries } = capture('debug');
    logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    const failure = Object.assign(new Error('outer', { cause: new Error('inner') }), { code: 'DATABASE_UNAVAILABLE' });
    logger.error('request failed', failure, { errorId: 'e-1' });
    logger.warn(new Error('as message'));
    const [log, error, warn] = entries();
    expect(log).toMatchObject({ level: 'debug', msg: 'Mapped {/health, GET} route', context: 'RouterExplorer' });
    expect(error).toMatchObject({
      level: 'error',
      msg: 'request failed',
      errorId: 'e-1',
      err: { name: 'Error', message: 'outer', code: 'DATABASE_UNAVAILABLE', cause: { message: 'inner' } },
    });
    expect(warn).toMatchObject({ level: 'warn', msg: 'as message', err: { message: 'as message' } });
  });

  test('writes nothing below its level, and nothing at all when silent', () => {
    const warnOnly = capture('warn');
    warnOnly.logger.info('turn', {});
    warnOnly.logger.debug('detail');
    warnOnly.logger.warn('slow');
    expect(warnOnly.entries().map((e) => e.msg)).toEqual(['slow']);
    expect(warnOnly.logger.enabled('info')).toBe(false);
    expect(warnOnly.logger.enabled('error')).toBe(true);
    const silent = capture('silent');
    silent.logger.error('boom');
    expect(silent.lines).toEqual([]);
  });
});
