import {
  buildReports,
  formatFirstTurns,
  formatReports,
  goalLines,
  type MeasuredRound,
} from '../../scripts/bench/report';
import { alternatingSchedule } from '../../scripts/bench/schedule';

const round = (ops: number, extra: Partial<MeasuredRound> = {}): MeasuredRound => ({
  ops,
  seconds: 1,
  latencies: Array.from({ length: ops }, (_, i) => i + 1),
  firstTurnLatencies: [],
  errors: 0,
  unexpected: 0,
  orders: 0,
  clientCpuMs: ops * 0.1,
  serverCpuMs: ops * 2,
  postgresCpuMs: ops * 0.5,
  walBytes: ops * 1000,
  ...extra,
});

describe('bench reports', () => {
  // upsert, a, upsert | upsert, a, upsert (two rounds of one load)
  const steps = alternatingSchedule('upsert', ['juice@8'], 2);
  const measured = [
    round(1000, { serverCpuMs: NaN }),
    round(200),
    round(1000, { serverCpuMs: NaN }),
    round(100),
    round(500, { serverCpuMs: NaN }),
  ];
  const [upsert, juice] = buildReports(steps, measured, 'upsert');

  it('gives each load its per-round rates and its ratio to the baseline rounds around it', () => {
    expect(upsert!.load).toBe('upsert');
    expect(upsert!.ratePerRound).toEqual([1000, 1000, 500]);
    expect(juice!.ratePerRound).toEqual([200, 100]);
    expect(juice!.rate).toBe(150);
    expect(juice!.ratioPerRound).toEqual([0.2, 100 / 750]);
  });

  it('charges CPU and WAL per operation over all rounds', () => {
    expect(juice!.serverCpuMsPerOp).toBeCloseTo(2);
    expect(juice!.postgresCpuMsPerOp).toBeCloseTo(0.5);
    expect(juice!.walBytesPerOp).toBeCloseTo(1000);
    expect(upsert!.serverCpuMsPerOp).toBeNaN();
    // Latencies of both rounds together: 1..200 and 1..100, so the 150th of 300 is 75.
    expect(juice!.p50Ms).toBe(75);
  });

  it("sets a new user's first turns apart", () => {
    const [, newUser] = buildReports(
      steps,
      [
        round(1),
        round(4, { firstTurnLatencies: [30, 10] }),
        round(1),
        round(2, { firstTurnLatencies: [20] }),
        round(1),
      ],
      'upsert',
    );
    expect(newUser).toMatchObject({ firstTurns: 3, firstTurnP50Ms: 20, firstTurnP99Ms: 30 });
    expect(formatFirstTurns([newUser!, juice!])).toEqual([
      "juice@8: a new user's first turn p50 20.0 ms, p99 30.0 ms (3 first turns); all its turns p50 2.0 ms",
    ]);
  });

  it('prints ranges and a dash where nothing was measured', () => {
    const text = formatReports([upsert!, juice!]);
    expect(text).toMatch(/juice@8\s+100–200 .* 0\.13–0\.20/);
    expect(text).toMatch(/upsert\s+500–1,000 .* — /);
  });
});

describe('the goal lines under the table', () => {
  const steps = alternatingSchedule(
    'upsert',
    ['juice@8', 'new-user@8', 'juice@64', 'juice@64x2', 'juice@64~250', 'service@8', 'counter@8'],
    1,
  );
  // upsert rounds at 1,000/s; the loads in the order above (one round each).
  const rates: Record<string, number> = {
    'juice@8': 400,
    'new-user@8': 200,
    'juice@64': 500,
    'juice@64x2': 900,
    'juice@64~250': 200,
    'service@8': 300,
    'counter@8': 600,
  };
  const measured = steps.map((step) =>
    step.load === 'upsert'
      ? round(1000)
      : round(rates[step.load]!, {
          latencies: step.load === 'service@8' ? [9] : step.load === 'counter@8' ? [6] : step.load === 'juice@64~250' ? [12] : [70],
        }),
  );

  it('checks each goal against the run', () => {
    expect(goalLines(buildReports(steps, measured, 'upsert'))).toEqual([
      '',
      'juice@8 × upsert: 0.40 (goal ≥ 0.35)',
      'new-user@8 ÷ juice@8, per round: 0.50 (goal ≥ 0.6)',
      'service p50 ÷ counter p50: 1.50 (goal ≤ 1.5)',
      // Little's law: 64 users with no pause at 500 turns/s wait 64 ÷ 500 s on average.
      'juice@64 p99: 70.0 ms (goal < 50 ms); 64 users with no pause at 500 turns/s wait 128.0 ms on average (64 ÷ rate)',
      'juice@64~250 p99: 12.0 ms (goal < 50 ms; each user pauses ~250 ms between a reply and the next message)',
      'juice@64x2 ÷ juice@64, per round: 1.80 (goal ≥ 1.7 on 2 cores); juice@64x2 p99 70.0 ms',
    ]);
  });

  it('leaves out the goals whose loads did not run', () => {
    const only = alternatingSchedule('upsert', ['counter@8'], 1);
    expect(goalLines(buildReports(only, [round(1000), round(600), round(1000)], 'upsert'))).toEqual([]);
  });
});
