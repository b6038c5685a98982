import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The dependency direction is enforced by the lint configuration (`no-restricted-imports` in eslint.config.mjs): these
 * snippets, linted by ESLint as if they were files at the given paths, must be refused or allowed.
 */
function lint(cases: readonly (readonly [string, string])[]): string[][] {
  const output = execFileSync(process.execPath, [resolve(__dirname, '../helpers/lint-snippets.mjs'), 'no-restricted-imports'], {
    input: JSON.stringify(cases.map(([file, code]) => [file, `${code}\nexport const used = imported;\n`])),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

const refused: [string, string, RegExp][] = [
  ['libs/dialogue-core/src/runtime/x.ts', "import { Pool as imported } from 'pg';", /engine is pure/],
  ['libs/dialogue-core/src/runtime/x.ts', "import { DataSource as imported } from 'typeorm';", /engine is pure/],
  ['libs/dialogue-core/src/runtime/x.ts', "import { Module as imported } from '@nestjs/common';", /engine is pure/],
  ['libs/dialogue-core/src/ports/x.ts', "import { openDatabase as imported } from '@parley/persistence';", /no other Parley library/],
  ['libs/dialogue-core/src/ports/x.ts', "import { Tables as imported } from '../../../persistence/src/database/schema';", /no other Parley library/],
  ['libs/persistence/src/x.ts', "import { createApp as imported } from '../../../apps/api/src/app.factory';", /never import the server/],
  ['libs/channels/src/x.ts', "import { ApiError as imported } from '../../../apps/api/src/errors/api.error';", /never import the server/],
  ['machines/juice/x.ts', "import { BuiltinNlu as imported } from '@parley/nlu';", /@parley\/dialogue-core only/],
  ['machines/juice/x.ts', "import { openDatabase as imported } from '@parley/persistence';", /@parley\/dialogue-core only/],
  ['machines/juice/x.ts', "import { runTurn as imported } from '../../libs/dialogue-core/src/runtime/run-turn';", /only as @parley\/dialogue-core/],
];

const allowed: [string, string][] = [
  ['libs/dialogue-core/src/runtime/x.ts', "import { setup as imported } from 'xstate';"],
  ['libs/dialogue-core/src/runtime/x.ts', "import { systemClock as imported } from '../ports/clock.port';"],
  ['libs/persistence/src/x.ts', "import { Pool as imported } from 'pg';"],
  ['libs/persistence/src/x.ts', "import { runTurn as imported } from '@parley/dialogue-core';"],
  ['machines/juice/x.ts', "import { defineBot as imported } from '@parley/dialogue-core';"],
  ['machines/juice/x.ts', "import { menu as imported } from './menu';"],
  // Bots' own tests may train the real NLU.
  ['machines/juice/x.spec.ts', "import { BuiltinNlu as imported } from '@parley/nlu';"],
  ['apps/api/src/x.ts', "import { openDatabase as imported } from '@parley/persistence';"],
];

describe('dependency direction (lint)', () => {
  // One ESLint process for every case.
  const results = lint([...refused.map(([file, code]) => [file, code] as const), ...allowed]);

  test.each(refused.map((c, i) => [...c, i] as const))('%s may not: %s', (_file, _code, reason, i) => {
    expect(results[i]).toHaveLength(1);
    expect(results[i]![0]).toMatch(reason);
  });

  test.each(allowed.map((c, i) => [...c, refused.length + i] as const))('%s may: %s', (_file, _code, i) => {
    expect(results[i]).toEqual([]);
  });
});
