import type { BenchOutput } from '../../scripts/bench';
import type { MemorySample } from '../../scripts/bench-memory';
import type { PeerReport } from '../../scripts/bench-peers';
import { npmRun } from '../helpers/commands';
import { testDatabaseKind, testDatabaseUrl } from '../helpers/test-database';

// The benchmark commands as the integrator runs them, with tiny settings (a fraction of a second per round): they
// must measure what they say, and fail rather than print numbers of conversations that went wrong. On real
// PostgreSQL only: they read PostgreSQL's processes from /proc.
const describePostgres = testDatabaseKind() === 'postgres' ? describe : describe.skip;

describePostgres('the benchmark commands, tiny runs', () => {
  const env = () => ({ DATABASE_URL: testDatabaseUrl() });

  test('npm run bench measures every scenario against raw upserts, with CPU and WAL per turn', async () => {
    const result = await npmRun(
      'bench',
      [
        '--parts',
        'turns',
        '--scenarios',
        'juice@2,new-user@2,service@1,counter@1,counter@2x2,counter@1~100',
        '--round',
        '0.3',
        '--rounds',
        '1',
        '--warmup',
        '0.3',
        '--json',
      ],
      env(),
    );
    expect(result.stderr).toMatch(/load\s+ops\/s \(rounds\)\s+p50 ms/);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as BenchOutput;
    expect(output.machine.cores).toBeGreaterThan(0);
    expect(output.loads.map((l) => l.load)).toEqual([
      'upsert',
      'juice@2',
      'new-user@2',
      'service@1',
      'counter@1',
      'counter@2x2',
      'counter@1~100',
    ]);
    // A user who pauses 50–150 ms after each reply sends at most 1 + 0.3 s ÷ 50 ms turns in the 0.3 s round.
    expect(output.loads.find((l) => l.load === 'counter@1~100')!.rate).toBeLessThan(24);
    for (const load of output.loads) {
      expect(load.rate).toBeGreaterThan(0);
      expect(load.errors + load.unexpected).toBe(0);
      expect(load.walBytesPerOp).toBeGreaterThan(0);
      if (load.load !== 'upsert') {
        expect(load.ratioPerRound).toHaveLength(1);
        expect(load.ratioPerRound[0]).toBeGreaterThan(0);
      }
      // CPU is read from /proc in clock ticks (10 ms): the paced user's few turns in 0.3 s may not fill one.
      if (load.load === 'counter@1~100') continue;
      expect(load.postgresCpuMsPerOp).toBeGreaterThan(0);
      expect(load.clientCpuMsPerOp).toBeGreaterThan(0);
      if (load.load !== 'upsert') expect(load.serverCpuMsPerOp).toBeGreaterThan(0);
    }
  });

  test('npm run bench:peers runs the order on Parley restored and live, and on bare XState, in rounds', async () => {
    const result = await npmRun(
      'bench:peers',
      [
        '--runners',
        'parley-restore,parley-live,xstate-restore',
        '--round',
        '0.3',
        '--rounds',
        '2',
        '--warmup',
        '0.1',
        '--json',
      ],
      env(),
    );
    expect(result.code).toBe(0);
    const { runners } = JSON.parse(result.stdout) as { runners: PeerReport[] };
    expect(runners.map((r) => r.runner)).toEqual(['parley-restore', 'parley-live', 'xstate-restore']);
    for (const r of runners) {
      expect(r.ratePerRound).toHaveLength(2);
      expect(r.p50Ms).toBeGreaterThan(0);
    }
    expect(runners[0]!.restoreOverPerRound).toEqual([1, 1]);
  });

  test('npm run bench:memory samples the server while conversations go by', async () => {
    const result = await npmRun(
      'bench:memory',
      ['--conversations', '12', '--users', '3', '--samples', '3', '--turns', '2', '--json'],
      env(),
    );
    expect(result.code).toBe(0);
    const { samples, errors } = JSON.parse(result.stdout) as { samples: MemorySample[]; errors: number };
    expect(errors).toBe(0);
    expect(samples[0]!.conversations).toBe(0);
    expect(samples.at(-1)).toMatchObject({ conversations: 12, turns: 24 });
    for (const s of samples) {
      expect(s.rssBytes).toBeGreaterThan(s.heapUsedBytes);
      expect(s.heapUsedBytes).toBeGreaterThan(0);
    }
  });

  test('npm run bench --parts outbox measures claims with conversations waiting behind a receiver that is down', async () => {
    const result = await npmRun('bench', ['--parts', 'outbox', '--outbox-lanes', '30'], env());
    expect(result.code).toBe(0);
    // The empty outbox, then 30 conversations with a failed head and 4 items behind it (a claim that took one of
    // those would stop the run with an error).
    const rows = result.stdout.split('\n').filter((line) => /^\s*\d[\d,]*\s+\d+\s+[\d.]+\s+[\d.]+\s+30$/.test(line));
    expect(rows.map((row) => row.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['0', '0'],
      ['30', '4'],
    ]);
  });

  test('a scenario that does not exist is refused before anything runs', async () => {
    const result = await npmRun('bench', ['--scenarios', 'juice@8,pizza'], env());
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^Unknown scenario 'pizza': one of juice, new-user, service, counter\./);
  });
});
