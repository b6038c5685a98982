import { UsageError } from '../../apps/api/src/cli/command-line';
import { SCENARIOS, type ScenarioName } from './turn-load';

/** `npm run bench --scenarios`: which HTTP loads run, each a scenario, a number of users and of server processes. */
export interface LoadSpec {
  scenario: ScenarioName;
  users: number;
  /** Server processes the users are spread over (undefined: --instances). */
  processes?: number;
  /**
   * Each user's pause between a reply and their next message, on average (uniform over 0.5–1.5 × it): users who read
   * and type, instead of a closed loop that sends the next message at once. Undefined: no pause.
   */
  thinkMs?: number;
}

/** A load's name in the tables: `juice@64`, `juice@64x2`, `juice@64~250`. */
export function loadName(spec: LoadSpec): string {
  return `${spec.scenario}@${spec.users}${spec.processes ? `x${spec.processes}` : ''}${spec.thinkMs ? `~${spec.thinkMs}` : ''}`;
}

/** Parse `--scenarios`: `juice@64,juice@64x2,juice@64~250,new-user` → loads (8 users when no @). */
export function parseLoads(list: string): LoadSpec[] {
  const loads = list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [scenario = '', count = '8'] = item.split('@');
      if (!(scenario in SCENARIOS)) {
        throw new UsageError(`Unknown scenario '${scenario}': one of ${Object.keys(SCENARIOS).join(', ')}.`);
      }
      const [spread = '', think] = count.split('~');
      const [users = '', processes] = spread.split('x');
      const spec: LoadSpec = {
        scenario: scenario as ScenarioName,
        users: positiveInteger(users, `users of '${item}'`),
      };
      if (processes !== undefined) spec.processes = positiveInteger(processes, `processes of '${item}'`);
      if (think !== undefined) spec.thinkMs = positiveInteger(think, `think time (ms) of '${item}'`);
      return spec;
    });
  if (loads.length === 0) throw new UsageError('--scenarios names no scenario.');
  const names = loads.map(loadName);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new UsageError(`'${twice}' is listed twice in --scenarios.`);
  return loads;
}

export function positiveInteger(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a whole number ≥ 1, not '${text}'.`);
  return n;
}

export function positiveSeconds(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${what} must be a number of seconds > 0, not '${text}'.`);
  return n;
}
