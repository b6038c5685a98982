import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Turn latency buckets (seconds): a turn is a few ms; the tail shows database or NLU trouble. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * This instance's metrics, kept by `prom-client` and rendered in the Prometheus text format at `GET /metrics`;
 * Prometheus sums across instances. Besides Parley's own, the client's default process metrics (`process_*`,
 * `nodejs_*`: CPU, memory, event-loop delay, GC) are reported.
 */
export class Metrics {
  /** This process's own metrics (a worker of `npm start` also hands them to the primary: `cluster/metrics.sync.ts`). */
  readonly registry = new Registry();
  /**
   * Where the page's metrics come from: this process's registry, or (in a worker of several) every worker's, summed
   * by the primary.
   */
  source: () => Promise<string> = () => this.registry.metrics();
  private readonly turns = new Counter({
    name: 'parley_turns_total',
    help: 'Turns taken, by bot and outcome.',
    labelNames: ['bot', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'parley_turn_duration_seconds',
    help: 'Turn latency: lock, load, engine, write, commit.',
    buckets: BUCKETS,
    registers: [this.registry],
  });
  private readonly duplicates = new Counter({
    name: 'parley_duplicate_messages_total',
    help: 'Redelivered messages answered from the dedupe record.',
    registers: [this.registry],
  });
  private readonly jobsFired = new Counter({
    name: 'parley_scheduled_jobs_fired_total',
    help: 'Durable timers fired by this instance.',
    registers: [this.registry],
  });
  private readonly cached = new Counter({
    name: 'parley_turn_cache_total',
    help: 'User turns by cached state: hit (one round trip), stale (re-taken under the lock), miss.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'parley_errors_total',
    help: 'Error responses and background failures, by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'parley_outbox_delivered_total',
    help: 'Outbox items a receiver confirmed, by kind (reply, call, webhook).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'parley_outbox_retries_total',
    help: 'Failed delivery tries that will be retried, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly deadLetters = new Counter({
    name: 'parley_outbox_dead_letters_total',
    help: 'Outbox items given up (dead letters), by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  // Read from the database at scrape time, and left out of the page when the database did not answer.
  private readonly outboxRegistry = new Registry();
  private readonly backlog = new Gauge({
    name: 'parley_outbox_backlog',
    help: 'Outbox items waiting for delivery (all instances; the same as parley_outbox_pending).',
    registers: [this.outboxRegistry],
  });
  private readonly pending = new Gauge({
    name: 'parley_outbox_pending',
    help: 'Outbox items waiting for delivery, retries included (all instances).',
    registers: [this.outboxRegistry],
  });
  private readonly dead = new Gauge({
    name: 'parley_outbox_dead',
    help: 'Dead letters waiting for a replay (all instances).',
    registers: [this.outboxRegistry],
  });

  constructor() {
    for (const result of ['hit', 'stale', 'miss'] as const) this.cached.inc({ result }, 0);
    for (const kind of ['reply', 'call', 'webhook'] as const) {
      this.deliveries.inc({ kind }, 0);
      this.retries.inc({ kind }, 0);
      this.deadLetters.inc({ kind }, 0);
    }
    collectDefaultMetrics({ register: this.registry });
  }

  countTurn(bot: string, outcome: string, seconds: number): void {
    this.turns.inc({ bot, outcome });
    this.latency.observe(seconds);
  }

  countDuplicate(): void {
    this.duplicates.inc();
  }

  countJob(): void {
    this.jobsFired.inc();
  }

  /** A user turn from this instance's conversation cache (one round trip), refused by the database, or uncached. */
  countCache(result: 'hit' | 'stale' | 'miss'): void {
    this.cached.inc({ result });
  }

  /** An outbox item's outcome on this instance. */
  countDelivery(kind: string, outcome: 'delivered' | 'retried' | 'dead'): void {
    (outcome === 'delivered' ? this.deliveries : outcome === 'retried' ? this.retries : this.deadLetters).inc({ kind });
  }

  countError(code: string): void {
    this.errors.inc({ code });
  }

  /** The `Content-Type` of `render`'s text (Prometheus exposition format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text page. `outbox` is read from the database at scrape time (undefined: it did not answer). */
  async render(outbox: { pending: number; dead: number } | undefined): Promise<string> {
    const own = await this.source();
    if (outbox === undefined) return own;
    this.backlog.set(outbox.pending);
    this.pending.set(outbox.pending);
    this.dead.set(outbox.dead);
    return `${own}\n${await this.outboxRegistry.metrics()}`;
  }
}
