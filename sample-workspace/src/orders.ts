import { applyDiscount, formatPrice, subtotal, type Item } from './cart';

/** What to charge for an order: members get 10% off. */
export function orderTotal(items: Item[], member: boolean): string {
  const total = subtotal(items);
  return formatPrice(member ? applyDiscount(total, 10) : total);
}
