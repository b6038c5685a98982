import { ratiosToBaseline, type Step } from './schedule';
import { formatNumber, formatRange, formatTable, range, summarize } from './stats';
import type { RoundResult } from './turn-load';

/** One round of one load with what it cost: CPU of the load generator, the server and PostgreSQL, and WAL. */
export interface MeasuredRound extends RoundResult {
  clientCpuMs: number;
  /** NaN for loads with no server (the raw upserts). */
  serverCpuMs: number;
  /** NaN when PostgreSQL's processes cannot be read (a database on another machine). */
  postgresCpuMs: number;
  walBytes: number;
}

/** A load's results over all its rounds. */
export interface LoadReport {
  load: string;
  rounds: number;
  /** Operations (turns, upserts) per second, whole run. */
  rate: number;
  ratePerRound: number[];
  /** The rate over the raw upserts' (the mean of the baseline rounds just before and after), per round. */
  ratioPerRound: number[];
  p50Ms: number;
  p99Ms: number;
  /** A new user's first turn (creates the conversation and the user's memory): how many, p50, p99. */
  firstTurns: number;
  firstTurnP50Ms: number;
  firstTurnP99Ms: number;
  errors: number;
  unexpected: number;
  orders: number;
  clientCpuMsPerOp: number;
  serverCpuMsPerOp: number;
  postgresCpuMsPerOp: number;
  walBytesPerOp: number;
}

/** Fold the measured steps of an alternating run into one report per load, in the order loads first appear. */
export function buildReports(
  steps: readonly Step[],
  measured: readonly MeasuredRound[],
  baseline: string,
): LoadReport[] {
  const rates = measured.map((m) => m.ops / m.seconds);
  const ratios = ratiosToBaseline(steps, rates, baseline);
  const names = [...new Set(steps.map((s) => s.load))];
  return names.map((load) => {
    const rounds = measured.filter((_, i) => steps[i]!.load === load);
    const sum = (pick: (m: MeasuredRound) => number) => rounds.reduce((total, m) => total + pick(m), 0);
    const ops = sum((m) => m.ops);
    const latency = summarize(rounds.flatMap((m) => m.latencies));
    const first = summarize(rounds.flatMap((m) => m.firstTurnLatencies));
    return {
      load,
      rounds: rounds.length,
      rate: ops / sum((m) => m.seconds),
      ratePerRound: rounds.map((m) => m.ops / m.seconds),
      ratioPerRound: load === baseline ? [] : (ratios.get(load) ?? []),
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      firstTurns: first.count,
      firstTurnP50Ms: first.p50,
      firstTurnP99Ms: first.p99,
      errors: sum((m) => m.errors),
      unexpected: sum((m) => m.unexpected),
      orders: sum((m) => m.orders),
      clientCpuMsPerOp: sum((m) => m.clientCpuMs) / ops,
      serverCpuMsPerOp: sum((m) => m.serverCpuMs) / ops,
      postgresCpuMsPerOp: sum((m) => m.postgresCpuMs) / ops,
      walBytesPerOp: sum((m) => m.walBytes) / ops,
    };
  });
}

/** A line per load whose rounds had first turns of new users: their latency next to all turns'. */
export function formatFirstTurns(reports: readonly LoadReport[]): string[] {
  return reports
    .filter((r) => r.firstTurns > 0)
    .map(
      (r) =>
        `${r.load}: a new user's first turn p50 ${formatNumber(r.firstTurnP50Ms, 1)} ms, p99 ${formatNumber(r.firstTurnP99Ms, 1)} ms ` +
        `(${formatNumber(r.firstTurns)} first turns); all its turns p50 ${formatNumber(r.p50Ms, 1)} ms`,
    );
}

/** The results as a plain-text table: ranges are the per-round minimum and maximum. */
export function formatReports(reports: readonly LoadReport[]): string {
  const header = [
    'load',
    'ops/s (rounds)',
    'p50 ms',
    'p99 ms',
    '× upsert (rounds)',
    'server CPU ms/op',
    'PG CPU ms/op',
    'WAL B/op',
    'client CPU ms/op',
    'errors',
  ];
  const rows = reports.map((r) => [
    r.load,
    formatRange(range(r.ratePerRound)),
    formatNumber(r.p50Ms, 1),
    formatNumber(r.p99Ms, 1),
    r.ratioPerRound.length ? formatRange(range(r.ratioPerRound), 2) : '1',
    formatNumber(r.serverCpuMsPerOp, 2),
    formatNumber(r.postgresCpuMsPerOp, 2),
    formatNumber(r.walBytesPerOp),
    formatNumber(r.clientCpuMsPerOp, 2),
    String(r.errors + r.unexpected),
  ]);
  return formatTable(header, rows);
}

/** The goals of docs/performance.md, checked against this run (a line each; missing loads are skipped). */
export function goalLines(reports: readonly LoadReport[]): string[] {
  const by = (name: string) => reports.find((r) => r.load === name);
  const lines: string[] = [];
  const juice8 = by('juice@8');
  const newUser = by('new-user@8');
  const service = by('service@8');
  const counter = by('counter@8');
  const juice64 = by('juice@64');
  if (juice8) lines.push(`juice@8 × upsert: ${formatRange(range(juice8.ratioPerRound), 2)} (goal ≥ 0.35)`);
  if (juice8 && newUser) {
    const perRound = newUser.ratioPerRound.map((r, i) => r / (juice8.ratioPerRound[i] ?? NaN));
    lines.push(`new-user@8 ÷ juice@8, per round: ${formatRange(range(perRound), 2)} (goal ≥ 0.6)`);
  }
  if (service && counter)
    lines.push(`service p50 ÷ counter p50: ${(service.p50Ms / counter.p50Ms).toFixed(2)} (goal ≤ 1.5)`);
  if (juice64) {
    // Little's law: N closed-loop users (no pause) at R turns/s each wait N ÷ R on average, however fast a turn is.
    const queued = (64 / juice64.rate) * 1000;
    lines.push(
      `juice@64 p99: ${juice64.p99Ms.toFixed(1)} ms (goal < 50 ms); 64 users with no pause at ${Math.round(juice64.rate)} turns/s wait ${queued.toFixed(1)} ms on average (64 ÷ rate)`,
    );
  }
  for (const paced of reports.filter((r) => /^juice@64~\d+$/.test(r.load))) {
    const think = paced.load.slice('juice@64~'.length);
    lines.push(`${paced.load} p99: ${paced.p99Ms.toFixed(1)} ms (goal < 50 ms; each user pauses ~${think} ms between a reply and the next message)`);
  }
  for (const multi of reports.filter((r) => /^juice@64x\d+$/.test(r.load))) {
    if (!juice64) break;
    const perRound = multi.ratioPerRound.map((r, i) => r / (juice64.ratioPerRound[i] ?? NaN));
    lines.push(
      `${multi.load} ÷ juice@64, per round: ${formatRange(range(perRound), 2)} (goal ≥ 1.7 on 2 cores); ${multi.load} p99 ${multi.p99Ms.toFixed(1)} ms`,
    );
  }
  return lines.length ? ['', ...lines] : [];
}
