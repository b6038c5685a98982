// Runs Parley's TypeScript sources directly, with no build step: every command (`npm start`, `npm run chat`,
// `npm run nlu:eval`, `npm run bench`) and the server processes e2e tests spawn load through this hook.
// Usage: node -r ./scripts/register-ts.js apps/api/src/main.ts
//
// Each file is compiled with swc (the options Jest uses: swc.options.js) and the output is kept in
// node_modules/.cache/parley-ts, keyed by a hash of swc's version, the options, the file's path and its text. A process
// whose files are all there never loads swc: it starts faster and its resident memory is ~20 MB smaller. Entries are
// written to a temporary file and renamed into place, so any number of commands can run (and compile) at once; an
// edited file gets a new key, and an unwritable cache only means compiling in memory. PARLEY_TS_CACHE=off compiles in
// memory only; PARLEY_TS_CACHE=<directory> keeps the cache there.
// Without --enable-source-maps, Node ignores source maps, so none are generated (their text would stay in memory with
// every module's source: ~13 MB for the server).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swcOptions = require('../swc.options');

const root = path.resolve(__dirname, '..');

// The @parley/* aliases, from the same `paths` the type-checker uses (one list for tsc, the editor and this hook).
const { paths } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')).compilerOptions;
const aliases = Object.fromEntries(Object.entries(paths).map(([name, [target]]) => [name, path.join(root, target)]));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, aliases[request] ?? request, ...rest);
};

const sourceMaps = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--enable-source-maps');
const options = sourceMaps ? swcOptions : { ...swcOptions, sourceMaps: false };
const cacheSetting = process.env.PARLEY_TS_CACHE;
const cacheDir = cacheSetting === 'off' ? undefined : cacheSetting ? path.resolve(cacheSetting) : path.join(root, 'node_modules', '.cache', 'parley-ts');
const cacheSalt = `${require('@swc/core/package.json').version}\0${JSON.stringify(options)}\0`;

let swc;
function compile(source, filename) {
  swc ??= require('@swc/core');
  return swc.transformSync(source, { ...options, filename }).code;
}

function cached(source, filename) {
  const key = crypto.createHash('sha256').update(cacheSalt).update(filename).update('\0').update(source).digest('hex');
  const file = path.join(cacheDir, key.slice(0, 2), `${key}.js`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    // Not compiled yet (or unreadable): compile, and keep it for the next process.
  }
  const code = compile(source, filename);
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
  return code;
}

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  module._compile(cacheDir ? cached(source, filename) : compile(source, filename), filename);
};
