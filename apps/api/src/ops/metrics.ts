/** Turn latency buckets (seconds): a turn is a few ms; the tail shows database or NLU trouble. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * In-process counters rendered in the Prometheus text format (a few lines; no client library needed).
 * Each instance reports its own; Prometheus sums across instances.
 */
export class Metrics {
  private readonly turns = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly buckets = new Array<number>(BUCKETS.length).fill(0);
  private latencyCount = 0;
  private latencySum = 0;
  private duplicates = 0;
  private jobsFired = 0;
  private readonly cached = { hit: 0, stale: 0, miss: 0 };

  countTurn(bot: string, outcome: string, seconds: number): void {
    const key = `bot="${escape(bot)}",outcome="${escape(outcome)}"`;
    this.turns.set(key, (this.turns.get(key) ?? 0) + 1);
    this.latencyCount++;
    this.latencySum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) this.buckets[i]!++;
  }

  countDuplicate(): void {
    this.duplicates++;
  }

  countJob(): void {
    this.jobsFired++;
  }

  /** A user turn from this instance's conversation cache (one round trip), refused by the database, or uncached. */
  countCache(result: 'hit' | 'stale' | 'miss'): void {
    this.cached[result]++;
  }

  countError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Prometheus exposition format 0.0.4. `outboxBacklog` is read from the database at scrape time. */
  render(outboxBacklog: number | undefined): string {
    const lines: string[] = [];
    lines.push('# HELP parley_turns_total Turns taken, by bot and outcome.', '# TYPE parley_turns_total counter');
    for (const [labels, n] of this.turns) lines.push(`parley_turns_total{${labels}} ${n}`);
    lines.push('# HELP parley_turn_duration_seconds Turn latency: lock, load, engine, write, commit.');
    lines.push('# TYPE parley_turn_duration_seconds histogram');
    BUCKETS.forEach((le, i) => lines.push(`parley_turn_duration_seconds_bucket{le="${le}"} ${this.buckets[i]}`));
    lines.push(`parley_turn_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    lines.push(`parley_turn_duration_seconds_sum ${this.latencySum}`, `parley_turn_duration_seconds_count ${this.latencyCount}`);
    lines.push('# HELP parley_duplicate_messages_total Redelivered messages answered from the dedupe record.');
    lines.push('# TYPE parley_duplicate_messages_total counter', `parley_duplicate_messages_total ${this.duplicates}`);
    lines.push('# HELP parley_scheduled_jobs_fired_total Durable timers fired by this instance.');
    lines.push('# TYPE parley_scheduled_jobs_fired_total counter', `parley_scheduled_jobs_fired_total ${this.jobsFired}`);
    lines.push('# HELP parley_turn_cache_total User turns by cached state: hit (one round trip), stale (re-taken under the lock), miss.');
    lines.push('# TYPE parley_turn_cache_total counter');
    for (const [result, n] of Object.entries(this.cached)) lines.push(`parley_turn_cache_total{result="${result}"} ${n}`);
    lines.push('# HELP parley_errors_total Error responses and background failures, by code.', '# TYPE parley_errors_total counter');
    for (const [code, n] of this.errors) lines.push(`parley_errors_total{code="${escape(code)}"} ${n}`);
    if (outboxBacklog !== undefined) {
      lines.push('# HELP parley_outbox_backlog Outbox items waiting for delivery (all instances).', '# TYPE parley_outbox_backlog gauge');
      lines.push(`parley_outbox_backlog ${outboxBacklog}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
