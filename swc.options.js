// How TypeScript is compiled for tests (Jest) and for every command (scripts/register-ts.js, which compiles in memory):
// swc, no type-check (`npm run typecheck` does that), legacy decorators with metadata for NestJS.
module.exports = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
