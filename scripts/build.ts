import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand, type CommandSpec } from '../apps/api/src/cli/command-line';

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');

export const buildCommand: CommandSpec = {
  name: 'npm run build --',
  summary:
    'Type-check and compile to dist/ for a deployment that runs plain JavaScript (node dist/apps/api/src/main.js).\n' +
    'No npm command needs it: they run the TypeScript sources. The output is compiled into a directory of its own and\n' +
    'moved into place whole, so a process running from dist/ never loads a half-written tree.',
};

/** tsc + tsc-alias into `dist.building-<pid>`, then swap it for dist/ (renames; a concurrent build's swap retries). */
function build(): number {
  const staging = `${DIST}.building-${process.pid}`;
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  try {
    execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', staging], { cwd: ROOT, stdio: 'inherit' });
    execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', staging], { cwd: ROOT, stdio: 'inherit' });
    for (let attempt = 0; ; attempt++) {
      const old = `${DIST}.old-${process.pid}-${attempt}`;
      if (existsSync(DIST)) renameSync(DIST, old);
      try {
        renameSync(staging, DIST);
        break;
      } catch (error) {
        // Another build put its dist/ in place between our two renames: move that one aside too.
        if (attempt >= 5 || !['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      } finally {
        rmSync(old, { recursive: true, force: true });
      }
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if ((error as { status?: unknown }).status !== undefined) return 1; // tsc printed its errors
    throw error;
  }
  process.stdout.write(`compiled to ${DIST}\n`);
  return 0;
}

if (require.main === module) runCommand(buildCommand, async () => build());
