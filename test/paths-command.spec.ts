import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/** Run scripts/paths.ts as `npm run paths` / `npm run check` do (from the sources, without a build). */
function run([command, ...args]: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', './scripts/register-ts.js', `scripts/${command}.ts`, ...args], {
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (status) => done({ status, stdout, stderr }));
  });
}

describe('npm run paths / npm run check', () => {
  it('answer --help', async () => {
    const paths = await run(['paths', '--help']);
    expect(paths.status).toBe(0);
    expect(paths.stdout).toMatch(/^Usage: npm run paths -- <bot> \[options\]/);
    expect(paths.stdout).toContain('--min-transitions <pct>');
    const check = await run(['check', '--help']);
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/^Usage: npm run check -- <bot> \[options\]/);
  });

  it('refuse a bot that does not exist, or an unknown option, with the usage', async () => {
    const unknown = await run(['paths', 'nope', '--check']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("No bot 'nope'. Bots: juice, pizza");
    const option = await run(['check', 'pizza', '--fast']);
    expect(option.status).toBe(2);
    expect(option.stderr).toContain("Unknown option '--fast'.");
  });

  it('--check --json prints exactly one JSON object: the committed pizza paths are up to date', async () => {
    const { status, stdout } = await run(['paths', 'pizza', '--check', '--json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).slice(0, 6)).toEqual(['bot', 'paths', 'stages', 'transitions', 'escapes', 'findings']);
    expect(report).toMatchObject({ bot: 'pizza', stages: { covered: 16, total: 16 }, findings: [] });
  });
});
