import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import MarkdownIt from 'markdown-it';
import { COMMANDS, ROOT } from '../helpers/commands';

// The repository stands alone: its documents link only to what it contains, and nothing in it points at notes kept
// outside it. Markdown is parsed (markdown-it), so examples inside code blocks are not taken for links.

const markdown = new MarkdownIt();
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
const documents = tracked.filter((file) => file === 'README.md' || (file.startsWith('docs/') && file.endsWith('.md')));

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const tokens = markdown.parse(text, {});
  tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') return;
    const title = (tokens[i + 1]?.children ?? []).map((child) => child.content).join('');
    const slug = title
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  });
  return anchors;
}

/** Every link and image target of a Markdown text. */
function targetsOf(text: string): string[] {
  const targets: string[] = [];
  const visit = (tokens: MarkdownIt.Token[]) => {
    for (const token of tokens) {
      const target = token.type === 'link_open' ? token.attrGet('href') : token.type === 'image' ? token.attrGet('src') : null;
      if (typeof target === 'string' && target) targets.push(target);
      if (token.children) visit(token.children);
    }
  };
  visit(markdown.parse(text, {}));
  return targets;
}

/** What is wrong with a relative link from `file`, or undefined when it leads to a file (and heading) that exists. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // http:, https:, mailto: — not this repository's
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const path = pathPart === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), decodeURIComponent(pathPart));
  const name = relative(ROOT, path);
  if (name.startsWith('..')) return `${target}: leads out of the repository`;
  if (!existsSync(path)) return `${target}: no file ${name}`;
  if (!statSync(path).isDirectory() && !tracked.includes(name)) return `${target}: ${name} is not tracked by git`;
  if (anchor !== undefined && path.endsWith('.md') && !anchorsOf(readFileSync(path, 'utf8')).has(anchor)) {
    return `${target}: no heading #${anchor} in ${name}`;
  }
  return undefined;
}

describe('the documentation', () => {
  test('is README.md and docs/', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/design.md', 'docs/juice.md', 'docs/stack.md']));
  });

  test.each(documents)('%s links only to files and headings that exist in the repository', (file) => {
    const broken = targetsOf(readFileSync(join(ROOT, file), 'utf8'))
      .map((target) => brokenLink(file, target))
      .filter((problem) => problem !== undefined);
    expect(broken).toEqual([]);
  });

  test('no tracked file mentions notes kept outside the repository', () => {
    // Assembled, so that this file does not match itself.
    const outside = [
      ['..', 'shared'].join('/'),
      ...['DESIGN', 'SCENARIOS', 'STACK', 'STYLE'].map((name) => `${name}.md`),
      ...['xstate', 'stack', 'commune', 'peers', 'aesthetics'].map((name) => `reference/${name}.md`),
    ];
    const mentions: string[] = [];
    for (const file of tracked) {
      if (file === 'package-lock.json' || !existsSync(join(ROOT, file))) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const name of outside) if (text.includes(name)) mentions.push(`${file}: ${name}`);
    }
    expect(mentions).toEqual([]);
  });

  test('the checks above catch what they should', () => {
    expect(anchorsOf('# Walkthrough: how `juice` is built\n## A\n## A')).toEqual(
      new Set(['walkthrough-how-juice-is-built', 'a', 'a-1']),
    );
    expect(brokenLink('README.md', 'docs/server.md#environment')).toBeUndefined();
    expect(brokenLink('docs/design.md', '../README.md#commands')).toBeUndefined();
    expect(brokenLink('README.md', 'docs/nothing.md')).toBe('docs/nothing.md: no file docs/nothing.md');
    expect(brokenLink('README.md', 'docs/server.md#no-such-heading')).toBe(
      'docs/server.md#no-such-heading: no heading #no-such-heading in docs/server.md',
    );
    expect(brokenLink('docs/design.md', '../../notes/elsewhere.md')).toMatch(/out of the repository/);
    expect(targetsOf('[a](x.md) `[b](y.md)`\n\n```\n[c](z.md)\n```\n![d](e.png)')).toEqual(['x.md', 'e.png']);
  });
});

describe("the README's Commands section", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Commands\n'), readme.indexOf('\n## ', readme.indexOf('\n## Commands\n') + 1));
  const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

  test('names every npm script', () => {
    const missing = scripts.filter((script) => !section.includes(script === 'start' || script === 'test' ? `npm ${script}` : `npm run ${script}`));
    expect(missing).toEqual([]);
  });

  test.each(COMMANDS)('shows every argument and option npm run $script -- --help shows', ({ script, spec }) => {
    const invocation = script === 'start' ? 'npm start' : `npm run ${script}`;
    // A `|` inside a table cell is written `\|`.
    const row = section
      .split('\n')
      .find((line) => line.startsWith('| `') && line.split('|')[1]!.includes(invocation))
      ?.replace(/\\\|/g, '|');
    expect(row).toBeDefined();
    for (const positional of spec.positionals ?? []) {
      expect(row).toContain(positional.required ? `<${positional.name}>` : `[${positional.name}]`);
    }
    for (const [name, option] of Object.entries(spec.options ?? {})) {
      expect(row).toContain(`--${name}${option.value ? ` <${option.value}>` : ''}`);
    }
  });

  test('every command that runs through the TypeScript loader has a --help definition', () => {
    const { scripts: all } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const ownCommands = Object.entries(all).filter(([, command]) => command.includes('register-ts.js')).map(([name]) => name);
    expect(ownCommands.sort()).toEqual(COMMANDS.map((c) => c.script).sort());
  });
});
