// How TypeScript is compiled for tests (Jest) and for the server processes e2e tests spawn (test/helpers/register-ts.js):
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
