import { Metrics } from './metrics';

describe('Metrics', () => {
  test('renders counters, a cumulative histogram and the backlog in Prometheus text', () => {
    const metrics = new Metrics();
    metrics.countTurn('juice', 'handled', 0.004);
    metrics.countTurn('juice', 'handled', 0.03);
    metrics.countError('INVALID_JSON');
    const text = metrics.render(3);
    expect(text).toContain('parley_turns_total{bot="juice",outcome="handled"} 2');
    expect(text).toContain('parley_turn_duration_seconds_bucket{le="0.005"} 1');
    expect(text).toContain('parley_turn_duration_seconds_bucket{le="0.05"} 2');
    expect(text).toContain('parley_turn_duration_seconds_bucket{le="+Inf"} 2');
    expect(text).toContain('parley_turn_duration_seconds_count 2');
    expect(text).toContain('parley_errors_total{code="INVALID_JSON"} 1');
    expect(text).toContain('parley_outbox_backlog 3');
    expect(text.endsWith('\n')).toBe(true);
  });
});
