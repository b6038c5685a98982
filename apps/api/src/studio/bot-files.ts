import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadCorpus } from '@parley/nlu';

/** Where the bots' own files are (`machines/<bot>/nlu`, `machines/<bot>/paths`): like the NLU, from the working directory. */
export const MACHINES_DIR = resolve('machines');

/** NLU corpus examples by intent, for sample utterances in diagrams; none when the bot has no corpus. */
export async function corpusExamples(botId: string, machinesDir = MACHINES_DIR): Promise<Record<string, string[]>> {
  const dir = join(machinesDir, botId, 'nlu');
  if (!existsSync(dir)) return {};
  return (await loadCorpus(botId, dir)).intents;
}

/** The coverage summary of a bot's path tests (`npm run paths -- <bot> --json`), as the Studio shows it. */
export interface PathCoverage {
  bot: string;
  paths: number;
  stages: { covered: number; total: number };
  transitions: { covered: number; total: number };
  escapes: { covered: number; total: number };
  findings: { kind: string; context?: string; stage?: string; message: string }[];
}

/** Where the Studio looks for a bot's coverage: written by `npm run paths -- <bot> --json > <this file>`. */
export function coverageFile(botId: string, machinesDir = MACHINES_DIR): string {
  return join(machinesDir, botId, 'paths', 'coverage.json');
}

/** The bot's path-test coverage, or undefined when there is none (or the file is not such a summary). */
export async function pathCoverage(botId: string, machinesDir = MACHINES_DIR): Promise<PathCoverage | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(coverageFile(botId, machinesDir), 'utf8'));
  } catch {
    return undefined;
  }
  return readCoverage(raw);
}

/** Accept a coverage summary only if it has the documented shape; anything else shows as no coverage. */
export function readCoverage(raw: unknown): PathCoverage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const ratio = (v: unknown) => {
    const o = v as { covered?: unknown; total?: unknown } | undefined;
    return o && Number.isInteger(o.covered) && Number.isInteger(o.total)
      ? { covered: o.covered as number, total: o.total as number }
      : undefined;
  };
  const stages = ratio(r.stages);
  const transitions = ratio(r.transitions);
  const escapes = ratio(r.escapes);
  if (typeof r.bot !== 'string' || !stages || !transitions || !escapes) return undefined;
  const findings = Array.isArray(r.findings)
    ? r.findings
        .filter((f): f is Record<string, unknown> => !!f && typeof f === 'object')
        .map((f) => ({
          kind: typeof f.kind === 'string' ? f.kind : 'finding',
          ...(typeof f.context === 'string' ? { context: f.context } : {}),
          ...(typeof f.stage === 'string' ? { stage: f.stage } : {}),
          message: typeof f.message === 'string' ? f.message : '',
        }))
    : [];
  return {
    bot: r.bot,
    paths: Number.isInteger(r.paths) ? (r.paths as number) : 0,
    stages,
    transitions,
    escapes,
    findings,
  };
}
