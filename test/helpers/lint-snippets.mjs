// Lint code snippets as if they were files at given paths, with the project's ESLint configuration but only the
// rule named in argv[2] and no type information. Reads [[filePath, code], …] as JSON on stdin; prints each snippet's
// messages as JSON. (A separate process: Jest cannot load the ESM configuration file.)
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const rule = process.argv[2];
const eslint = new ESLint({
  cwd: resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
  ruleFilter: ({ ruleId }) => ruleId === rule,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});
const cases = JSON.parse(readFileSync(0, 'utf8'));
const out = [];
for (const [filePath, code] of cases) {
  const [result] = await eslint.lintText(code, { filePath });
  out.push(result.messages.map((m) => `${m.ruleId}: ${m.message}`));
}
process.stdout.write(JSON.stringify(out));
