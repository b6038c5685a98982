/** What the shop sells, and how an order is described. Shared by the order and home contexts. */
export const MENU = ['苹果', '橙子', '西瓜'] as const;
export const PRICE = 15;
/** Members pay 80% (8折). */
export const MEMBER_PRICE = 12;

export type Flavor = (typeof MENU)[number];

export type OrderSummary = {
  flavor: Flavor;
  ice: boolean;
  package: 'cup' | 'bowl';
};

export function isOnMenu(flavor: unknown): flavor is Flavor {
  return typeof flavor === 'string' && (MENU as readonly string[]).includes(flavor);
}

/** «苹果汁, 常温, 杯装» */
export function describeOrder(order: OrderSummary): string {
  return `${order.flavor}汁, ${order.ice ? '加冰' : '常温'}, ${order.package === 'cup' ? '杯装' : '碗装'}`;
}

/** The customer's long-term record (user-scoped memory `customer`). */
export type Customer = {
  orders: number;
  lastOrder: OrderSummary | null;
  member: boolean;
  name?: string;
  phone?: string;
};

export const NEW_CUSTOMER: Customer = { orders: 0, lastOrder: null, member: false };
