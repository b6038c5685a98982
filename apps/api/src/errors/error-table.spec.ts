import { ERROR_STATUS } from './error-table';

describe('error table', () => {
  test('caller errors are 4xx and ours are 5xx', () => {
    const caller = [
      'INVALID_JSON',
      'INVALID_REQUEST',
      'TEXT_TOO_LONG',
      'UNAUTHORIZED',
      'BOT_NOT_FOUND',
      'CONVERSATION_NOT_FOUND',
      'BODY_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
      'SIGNATURE_INVALID',
      'REQUEST_TIMEOUT',
      'URL_TOO_LONG',
      'HEADERS_TOO_LARGE',
    ] as const;
    for (const code of caller) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    for (const code of caller) expect(ERROR_STATUS[code]).toBeLessThan(500);
    expect(ERROR_STATUS).toMatchObject({
      BODY_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      UNAUTHORIZED: 401,
      BOT_NOT_FOUND: 404,
      INTERNAL: 500,
      DATABASE_UNAVAILABLE: 503,
      NLU_TIMEOUT: 503,
      SIGNATURE_INVALID: 401,
      REQUEST_TIMEOUT: 408,
      URL_TOO_LONG: 414,
      HEADERS_TOO_LARGE: 431,
    });
    expect(ERROR_STATUS.STATE_UNRECOVERABLE).toBeGreaterThanOrEqual(500);
  });
});
