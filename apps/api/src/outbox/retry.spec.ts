import { retryAfterMs } from './http.delivery';
import { retryDelayMs } from './outbox.dispatcher';

describe('retry delays', () => {
  test('exponential backoff with full jitter: a random time up to min(cap, base × 2^(tries − 1))', () => {
    const options = { baseMs: 100, capMs: 1000 };
    expect([1, 2, 3, 4, 5, 20].map((n) => retryDelayMs(n, { ...options, random: () => 0.999999 }))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(retryDelayMs(3, { ...options, random: () => 0 })).toBe(0);
    expect(retryDelayMs(3, { ...options, random: () => 0.5 })).toBe(200);
    // Enormous try counts do not overflow into Infinity or NaN.
    expect(retryDelayMs(5000, { ...options, random: () => 0.5 })).toBe(500);
  });

  test('never sooner than the receiver asked (Retry-After), even above the cap', () => {
    expect(retryDelayMs(1, { baseMs: 100, capMs: 1000, retryAfterMs: 30_000, random: () => 0.5 })).toBe(30_000);
    expect(retryDelayMs(4, { baseMs: 100, capMs: 1000, retryAfterMs: 10, random: () => 0.5 })).toBe(400);
  });

  test('Retry-After in seconds or as an HTTP date', () => {
    const now = new Date('2026-12-02T08:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Wed, 02 Dec 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 07:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
