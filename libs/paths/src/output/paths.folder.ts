import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PathsReport } from '../report/paths.report';
import { formatTranscriptFile, parseTranscriptFile } from '../transcript/transcript.format';
import type { TranscriptFile } from '../transcript/transcript.types';

/** The file of the committed coverage report, next to the transcripts. */
export const COVERAGE_FILE = 'coverage.json';
const TRANSCRIPT_SUFFIX = '.paths.txt';

/**
 * The generated folder `machines/<bot>/paths/`: one transcript file per context and `coverage.json` (the report
 * without the timing, so that the same bot always gives the same files).
 */
export function folderContents(files: readonly TranscriptFile[], report: PathsReport): Map<string, string> {
  const contents = new Map<string, string>();
  for (const file of files) contents.set(file.name, formatTranscriptFile(file));
  const { ms: _ms, ...graph } = report.graph;
  contents.set(COVERAGE_FILE, `${JSON.stringify({ ...report, graph }, null, 2)}\n`);
  return contents;
}

function generatedNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith(TRANSCRIPT_SUFFIX) || name === COVERAGE_FILE);
  } catch {
    return [];
  }
}

/** Write the folder, removing generated files that are no longer generated. */
export function writeFolder(dir: string, contents: ReadonlyMap<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const name of generatedNames(dir)) if (!contents.has(name)) rmSync(join(dir, name));
  for (const [name, text] of contents) writeFileSync(join(dir, name), text);
}

/** How the folder differs from what would be generated: one line per file (empty when it is up to date). */
export function compareFolder(dir: string, contents: ReadonlyMap<string, string>): string[] {
  const differences: string[] = [];
  const present = new Set(generatedNames(dir));
  for (const [name, text] of contents) {
    if (!present.has(name)) {
      differences.push(`${name}: missing (it would be generated)`);
      continue;
    }
    const committed = readFileSync(join(dir, name), 'utf8');
    if (committed !== text) differences.push(`${name}: ${firstDifference(committed, text)}`);
  }
  for (const name of present) if (!contents.has(name)) differences.push(`${name}: no longer generated`);
  return differences;
}

function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `line ${i + 1} differs\n      committed: ${a[i] ?? '(end of file)'}\n      generated: ${b[i] ?? '(end of file)'}`;
    }
  }
  return 'differs';
}

/** The committed transcript files of a bot, parsed (for the Jest replay). */
export function readTranscripts(dir: string, bot: string): TranscriptFile[] {
  return generatedNames(dir)
    .filter((name) => name.endsWith(TRANSCRIPT_SUFFIX))
    .sort()
    .map((name) => parseTranscriptFile(name, bot, readFileSync(join(dir, name), 'utf8')));
}
