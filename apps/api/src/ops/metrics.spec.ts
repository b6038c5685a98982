import { Metrics } from './metrics';

describe('Metrics', () => {
  test('renders counters, a cumulative histogram and the backlog in Prometheus text', async () => {
    const metrics = new Metrics();
    metrics.countTurn('juice', 'handled', 0.004);
    metrics.countTurn('juice', 'handled', 0.03);
    metrics.countTurn('pizza', 'not-understood', 0.002);
    metrics.countError('INVALID_JSON');
    metrics.countDuplicate();
    metrics.countJob();
    metrics.countCache('hit');
    metrics.countDelivery('webhook', 'retried');
    metrics.countDelivery('webhook', 'retried');
    metrics.countDelivery('reply', 'dead');
    const text = await metrics.render({ pending: 3, dead: 2 });
    expect(text).toContain('# TYPE parley_turns_total counter');
    expect(text).toContain('parley_turns_total{bot="juice",outcome="handled"} 2');
    expect(text).toContain('parley_turns_total{bot="pizza",outcome="not-understood"} 1');
    expect(text).toContain('# TYPE parley_turn_duration_seconds histogram');
    expect(text).toContain('parley_turn_duration_seconds_bucket{le="0.001"} 0');
    expect(text).toContain('parley_turn_duration_seconds_bucket{le="0.005"} 2');
    expect(text).toContain('parley_turn_duration_seconds_bucket{le="0.05"} 3');
    expect(text).toContain('parley_turn_duration_seconds_bucket{le="+Inf"} 3');
    expect(text).toContain('parley_turn_duration_seconds_count 3');
    expect(text).toContain('parley_turn_duration_seconds_sum 0.036');
    expect(text).toContain('parley_errors_total{code="INVALID_JSON"} 1');
    expect(text).toContain('parley_duplicate_messages_total 1');
    expect(text).toContain('parley_scheduled_jobs_fired_total 1');
    // every cache result is on the page from the start, so a rate over it is defined
    expect(text).toContain('parley_turn_cache_total{result="hit"} 1');
    expect(text).toContain('parley_turn_cache_total{result="stale"} 0');
    expect(text).toContain('parley_turn_cache_total{result="miss"} 0');
    expect(text).toContain('# TYPE parley_outbox_backlog gauge');
    expect(text).toContain('parley_outbox_backlog 3');
    expect(text).toContain('parley_outbox_pending 3');
    expect(text).toContain('parley_outbox_dead 2');
    expect(text).toContain('parley_outbox_retries_total{kind="webhook"} 2');
    expect(text).toContain('parley_outbox_dead_letters_total{kind="reply"} 1');
    expect(text).toContain('parley_outbox_delivered_total{kind="call"} 0');
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text.endsWith('\n')).toBe(true);
  });

  test('label values are escaped, and an unknown backlog is left out rather than reported as 0', async () => {
    const metrics = new Metrics();
    metrics.countError('A"B\\C\nD');
    const text = await metrics.render(undefined);
    expect(text).toContain('parley_errors_total{code="A\\"B\\\\C\\nD"} 1');
    expect(text).not.toContain('parley_outbox_backlog');
  });

  test('each instance counts for itself', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.countDuplicate();
    expect(await b.render({ pending: 0, dead: 0 })).toContain('parley_duplicate_messages_total 0');
  });
});
