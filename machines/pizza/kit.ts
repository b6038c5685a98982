import { botKit } from '@parley/dialogue-core';
import type { PizzaEntities } from './nlu/entities';

/** The pizza bot's user-scoped memory. */
export type PizzaMemory = {
  pizzas: { ordered: number };
  addresses: { saved: string | null };
};

/** The pizza bot's memory and entities (generated from its corpus), shared by its contexts' kits. */
export const pizzaKit = botKit<{ memory: PizzaMemory; entities: PizzaEntities }>();
