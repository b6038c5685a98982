import { botKit } from '@parley/dialogue-core';
import type { Customer } from './menu';
import type { JuiceEntities } from './nlu/entities';

/** The juice bot's memory (user-scoped) and entities (generated from its corpus): shared by its contexts' kits. */
export const juiceKit = botKit<{ memory: { customer: Customer }; entities: JuiceEntities }>();
