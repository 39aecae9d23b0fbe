// Cash set aside for open buy orders: buying power = cash − Σ reservations. Execution reserves when it places a buy;
// fills of that order consume the reservation; `release` frees what is left when the order ends.
import { dec, toPlain, ZERO, type Decimal, type DecimalInput } from '../core/decimal.ts';
import { ValidationError } from '../core/errors.ts';

export class Reservations {
  readonly #byOrder = new Map<string, Decimal>();

  /** Sets the reservation of an order (replacing an earlier one); 0 removes it. */
  reserve(clientOrderId: string, amount: DecimalInput): void {
    const value = dec(amount);
    if (value.lt(ZERO)) {
      throw new ValidationError(`reservation for ${clientOrderId} must not be negative, got ${toPlain(value)}`, {
        clientOrderId,
        amount: toPlain(value),
      });
    }
    if (value.eq(ZERO)) this.#byOrder.delete(clientOrderId);
    else this.#byOrder.set(clientOrderId, value);
  }

  release(clientOrderId: string): void {
    this.#byOrder.delete(clientOrderId);
  }

  /** A fill of the order cost `cost`: the reservation shrinks by it, never below zero. */
  consume(clientOrderId: string, cost: Decimal): void {
    const reserved = this.#byOrder.get(clientOrderId);
    if (reserved === undefined) return;
    const left = reserved.minus(cost);
    this.reserve(clientOrderId, left.lt(ZERO) ? ZERO : left);
  }

  get(clientOrderId: string): Decimal {
    return this.#byOrder.get(clientOrderId) ?? ZERO;
  }

  total(): Decimal {
    let sum = ZERO;
    for (const r of this.#byOrder.values()) sum = sum.plus(r);
    return sum;
  }

  entries(): ReadonlyMap<string, Decimal> {
    return this.#byOrder;
  }

  clear(): void {
    this.#byOrder.clear();
  }
}
