import { strict as assert } from 'node:assert';
import { subtotal } from '../src/cart';

describe('subtotal', () => {
  it('adds price times quantity', () => {
    assert.equal(subtotal([{ name: 'tea', price: 2, quantity: 3 }]), 6);
  });
});
