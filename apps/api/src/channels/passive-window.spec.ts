import type { Reply } from '@parley/dialogue-core';
import type { TurnDone } from '../turns/turn.service';
import { ChannelFlights } from './channel-flights';
import { PassiveWindow } from './passive-window';

const replies: Reply[] = [
  { type: 'text', text: 'first' },
  { type: 'text', text: 'second' },
];
const oneMessage = { windowMs: 1000, accepts: (r: readonly Reply[]) => (r.length > 0 ? 1 : 0) };

/** A turn the test finishes when it wants. */
function turn() {
  let finish!: (done: TurnDone) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<TurnDone>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const result: TurnDone = { response: { conversationId: 'c', messageId: 'm', replies }, duplicate: false };
  return { done, finish: () => finish(result), fail, result };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('PassiveWindow', () => {
  test('a turn written in time: its first reply is claimed and the outcome is the turn', async () => {
    const window = new PassiveWindow(oneMessage, Date.now() + 1000);
    const t = turn();
    const outcome = window.outcome(t.done);
    expect(window.claim(replies)).toBe(1);
    t.finish();
    await expect(outcome).resolves.toBe(t.result);
  });

  test('a turn that claimed in time is waited for past the window (its first reply is in no outbox item)', async () => {
    const window = new PassiveWindow(oneMessage, Date.now() + 1000);
    const t = turn();
    const outcome = window.outcome(t.done);
    expect(window.claim(replies)).toBe(1); // written in time…
    jest.advanceTimersByTime(5000); // …but the write takes long
    t.finish();
    await expect(outcome).resolves.toBe(t.result);
  });

  test('no claim before the window ends: the outcome is undefined, and a later write pushes everything', async () => {
    const window = new PassiveWindow(oneMessage, Date.now() + 1000);
    const t = turn();
    const outcome = window.outcome(t.done);
    jest.advanceTimersByTime(1000);
    await expect(outcome).resolves.toBeUndefined();
    expect(window.claim(replies)).toBe(0);
    t.finish();
  });

  test('a turn with nothing the platform takes (no reply, or too long) claims nothing and is answered when written', async () => {
    const window = new PassiveWindow(oneMessage, Date.now() + 1000);
    expect(window.claim([])).toBe(0);
    const t = turn();
    const outcome = window.outcome(t.done);
    t.finish();
    await expect(outcome).resolves.toBe(t.result);
    jest.advanceTimersByTime(1000);
    expect(window.claim(replies)).toBe(0);
  });
});

describe('ChannelFlights', () => {
  test('a redelivery while the turn runs joins it; after it settles the next delivery starts anew; drain waits for running turns', async () => {
    jest.useRealTimers();
    const flights = new ChannelFlights();
    const t = turn();
    let starts = 0;
    const start = () => (starts++, { done: t.done });
    const first = flights.join('c', 'm', start);
    const again = flights.join('c', 'm', start);
    expect([first.joined, again.joined, again.flight === first.flight, starts]).toEqual([false, true, true, 1]);
    const other = turn();
    expect(flights.join('c', 'other', () => ({ done: other.done })).joined).toBe(false);
    let drained = false;
    const draining = flights.drain().then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    t.finish();
    other.fail(new Error('a failed turn is drained too'));
    await draining;
    expect(flights.join('c', 'm', start).joined).toBe(false);
    expect(starts).toBe(2);
  });
});
