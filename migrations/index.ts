import type { MigrationInterface } from 'typeorm';
import { InitialSchema1763769600000 } from './1763769600000-initial-schema';

/** Every migration, oldest first. Add new ones at the end; never edit one that has landed. */
export const migrations: (new () => MigrationInterface)[] = [InitialSchema1763769600000];
