// Lets a child `node` process run the TypeScript sources directly (no build): compiles .ts with swc on require,
// with the same options as Jest, and resolves the @parley/* aliases. Used to spawn real server processes in e2e tests.
// Usage: node -r ./test/helpers/register-ts.js test/fixtures/server.entry.ts
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const swcOptions = require('../../swc.options');

const root = path.resolve(__dirname, '../..');
const aliases = {
  '@parley/dialogue-core': 'libs/dialogue-core/src',
  '@parley/persistence': 'libs/persistence/src',
  '@parley/nlu': 'libs/nlu/src',
  '@parley/channels': 'libs/channels/src',
  '@parley/paths': 'libs/paths/src',
  '@parley/machines': 'machines',
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = aliases[request];
  return resolveFilename.call(this, alias ? path.join(root, alias) : request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swcOptions, filename });
  module._compile(code, filename);
};
