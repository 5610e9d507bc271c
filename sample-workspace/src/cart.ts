export interface Item {
  name: string;
  price: number;
  quantity: number;
}

export function subtotal(items: Item[]): number {
  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);
}

export function applyDiscount(total: number, percent: number): number {
  if (percent < 0 || percent > 100) {
    throw new RangeError(`discount out of range: ${percent}`);
  }
  return total * (1 - percent / 100);
}

export function formatPrice(value: number): string {
  return `$${value.toFixed(2)}`;
}
