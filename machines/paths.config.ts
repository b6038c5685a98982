import type { PathsConfig } from '@parley/paths';
import { juicePaths } from './juice/juice.paths';
import { pizzaPaths } from './pizza/pizza.paths';

/**
 * Path-test settings per bot id (`npm run paths`), for the bots that need any. Kept out of `machines/index.ts`:
 * the server loads the bots, never the test tooling.
 */
export const pathsConfigs: Readonly<Record<string, PathsConfig>> = { juice: juicePaths, pizza: pizzaPaths };
