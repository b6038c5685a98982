// Generated from the NLU corpus by `npm run nlu:types -- pizza`: do not edit (a test checks it is current).
/** The value of each entity of the `pizza` bot, for its kit: `botKit<{ entities: PizzaEntities }>()`. */
export type PizzaEntities = {
  number: number;
  money: number;
  date: string;
  size: 'small' | 'medium' | 'large';
  topping: 'margherita' | 'pepperoni' | 'hawaiian' | 'veggie' | 'bbq chicken' | 'four cheese' | 'mushroom';
};
