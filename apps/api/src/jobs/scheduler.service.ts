import { describeError } from '../logging/json.logger';
import type { Runtime } from '../runtime';
import type { TurnDone, TurnService } from '../turns/turn.service';

/** The conversation of a due job is in a turn right now: roll back (the job comes back) and retry shortly. */
class ConversationBusy extends Error {
  constructor(readonly jobId: string) {
    super('conversation busy');
  }
}

const BUSY_RETRY_MS = 50;

/**
 * Durable timers (`schedule` effects), exactly once across instances. Every instance polls; a job is claimed by
 * deleting it (FOR UPDATE SKIP LOCKED) in the same transaction as the turn it triggers, so it fires once if that turn
 * commits and comes back if it does not. The conversation is locked with SKIP LOCKED too: a job never waits for a
 * user's turn while holding its row, so timers and user turns cannot deadlock.
 */
export class SchedulerService {
  private timer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private running = false;
  private stopped = true;
  private readonly busy = new Map<string, number>();
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly runtime: Runtime,
    private readonly turns: TurnService,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }

  /** A committed turn scheduled something: wake up when it is due rather than at the next poll. */
  noticed(done: TurnDone): void {
    for (const effect of done.turn?.result.effects ?? []) {
      if (effect.type === 'schedule') this.schedule(Date.parse(effect.at) - Date.now());
    }
  }

  private schedule(inMs: number): void {
    if (this.stopped) return;
    const delay = Math.max(0, Math.min(inMs, this.runtime.config.schedulerPollMs));
    const at = Date.now() + delay;
    if (this.timer && at >= this.wakeAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.wakeAt = Infinity;
    if (this.running || this.stopped) return;
    this.running = true;
    let release!: () => void;
    this.idle = new Promise((resolve) => (release = resolve));
    let next = this.runtime.config.schedulerPollMs;
    try {
      for (let fired = 0; fired < 100 && !this.stopped; fired++) {
        const outcome = await this.fireOne();
        if (outcome === 'idle') break;
        if (outcome === 'busy') next = Math.min(next, BUSY_RETRY_MS);
      }
      const due = await this.runtime.store.nextTimerAt();
      if (due) next = Math.min(next, Math.max(0, due.getTime() - Date.now()));
    } catch (error) {
      this.runtime.metrics.countError('SCHEDULER_FAILED');
      this.runtime.logger.error('scheduler failed', { err: describeError(error) });
    } finally {
      this.running = false;
      release();
      this.schedule(next);
    }
  }

  private async fireOne(): Promise<'idle' | 'fired' | 'busy' | 'dropped'> {
    const now = Date.now();
    for (const [id, until] of this.busy) if (until <= now) this.busy.delete(id);
    const started = performance.now();
    try {
      const done = await this.runtime.store.transaction(async (tx) => {
        const job = await tx.claimDueTimer([...this.busy.keys()]);
        if (!job) return 'idle' as const;
        const locked = await tx.lockExisting(job.conversationId, { wait: false });
        if (!locked) throw new ConversationBusy(job.id);
        const bot = this.runtime.bots.find(locked.botId);
        if (!bot) {
          this.runtime.logger.warn('scheduled job dropped: bot not deployed', { conversationId: job.conversationId, bot: locked.botId, job: job.id });
          return 'dropped' as const;
        }
        return this.turns.runLocked(tx, locked, bot, {
          input: { kind: 'event', event: job.event },
          messageId: `job-${job.id}`,
          delivery: 'push',
          // The linked identity came with the claim: no lookup on another connection while this transaction is open.
          memoryUserId: job.memoryUserId ?? locked.userId,
        });
      });
      if (typeof done === 'string') return done;
      this.runtime.metrics.countJob();
      this.turns.finished(done, started);
      return 'fired';
    } catch (error) {
      if (error instanceof ConversationBusy) {
        this.busy.set(error.jobId, Date.now() + BUSY_RETRY_MS);
        return 'busy';
      }
      throw error;
    }
  }
}
