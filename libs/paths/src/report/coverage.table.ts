import type { Figure, Finding, PathsReport } from './paths.report';

function percent(figure: Figure): string {
  return figure.total === 0 ? '–' : `${Math.floor((100 * figure.covered) / figure.total)}%`;
}

function cell(figure: Figure): string {
  return `${figure.covered}/${figure.total} ${percent(figure)}`;
}

/** The coverage report as a terminal table, then what is not covered and why. */
export function formatCoverage(report: PathsReport): string {
  const rows = [
    ['context', 'stages', 'transitions', 'escapes'],
    ...report.contexts.map((c) => [c.context, cell(c.stages), cell(c.transitions), cell(c.escapes)]),
    ['total', cell(report.stages), cell(report.transitions), cell(report.escapes)],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => [...row[column]!].length)));
  const lines = rows.map((row) =>
    row
      .map((value, column) => value.padEnd(widths[column]!))
      .join('   ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((width) => '─'.repeat(width)).join('   '));
  lines.splice(lines.length - 1, 0, widths.map((width) => '─'.repeat(width)).join('   '));
  if (report.uncovered.length) {
    lines.push('', 'not covered:');
    for (const item of report.uncovered) lines.push(`  ${item.kind} ${item.item} — ${item.reason}`);
  }
  return lines.join('\n');
}

/** Findings, one per paragraph: kind, where, and what to do. */
export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'model checks: no findings';
  return [
    `model checks: ${findings.length} finding${findings.length === 1 ? '' : 's'}`,
    ...findings.map((f) => `  ${f.kind} at ${f.stage ? `${f.context}.${f.stage}` : f.context}: ${f.message}`),
  ].join('\n');
}

/** Coverage below the gates, as messages (empty when the report passes). */
export function belowGates(report: PathsReport, gates: { stages?: number; transitions?: number }): string[] {
  const problems: string[] = [];
  const check = (name: string, figure: Figure, gate: number | undefined) => {
    if (gate === undefined || figure.total === 0) return;
    const value = (100 * figure.covered) / figure.total;
    if (value < gate) problems.push(`${name} coverage ${value.toFixed(1)}% is below ${gate}%`);
  };
  check('stage', report.stages, gates.stages);
  check('transition', report.transitions, gates.transitions);
  return problems;
}
