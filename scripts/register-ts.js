// Runs Parley's TypeScript sources directly, with no build step: every command (`npm start`, `npm run chat`,
// `npm run nlu:eval`, `npm run bench`) and the server processes e2e tests spawn load through this hook. Each process
// compiles the files it requires in memory with swc (same options as Jest: swc.options.js), so no command writes or
// deletes files another running command uses, and any number of them can run at once.
// Usage: node -r ./scripts/register-ts.js apps/api/src/main.ts
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const swcOptions = require('../swc.options');

const root = path.resolve(__dirname, '..');

// The @parley/* aliases, from the same `paths` the type-checker uses (one list for tsc, the editor and this hook).
const { paths } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')).compilerOptions;
const aliases = Object.fromEntries(Object.entries(paths).map(([name, [target]]) => [name, path.join(root, target)]));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, aliases[request] ?? request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swcOptions, filename });
  module._compile(code, filename);
};
