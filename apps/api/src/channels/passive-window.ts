import type { PassiveReply } from '@parley/channels';
import type { Reply } from '@parley/dialogue-core';
import type { PassiveClaim, TurnDone } from '../turns/turn.service';

/**
 * A platform's passive reply window (WeChat: answer within 5 s) for one inbound message. The turn asks it, as it is
 * written, how many replies go in the HTTP response (`claim`); the request handler waits for the turn or the window's
 * end (`outcome`). Both run on this process's event loop, so the answer is consistent: a turn that claimed the
 * window is waited for (its first replies are in no outbox item, the response must carry them), a turn written after
 * the window closed has all its replies pushed.
 */
export class PassiveWindow implements PassiveClaim {
  private state: 'open' | 'claimed' | 'closed' = 'open';
  private readonly timer: NodeJS.Timeout;
  private readonly closed: Promise<undefined>;
  private readonly close: () => void;

  constructor(
    private readonly passive: PassiveReply,
    /** Milliseconds since the epoch. */
    private readonly deadline: number,
  ) {
    let resolve!: () => void;
    this.closed = new Promise<undefined>((r) => (resolve = () => r(undefined)));
    this.close = () => {
      if (this.state !== 'open') return;
      this.state = 'closed';
      resolve();
    };
    this.timer = setTimeout(this.close, Math.max(0, deadline - Date.now()));
    this.timer.unref();
  }

  claim(replies: readonly Reply[]): number {
    // The clock, not only the timer: a write that comes after the deadline but before the timer fires is late too.
    if (Date.now() >= this.deadline) this.close();
    if (this.state === 'closed') return 0;
    const answered = Math.min(replies.length, this.passive.accepts(replies));
    if (answered > 0) this.state = 'claimed';
    return answered;
  }

  /** The turn when it is written in time (or claimed the window in time), else undefined at the window's end. */
  outcome(done: Promise<TurnDone>): Promise<TurnDone | undefined> {
    return Promise.race([done.finally(() => clearTimeout(this.timer)), this.closed]);
  }
}
