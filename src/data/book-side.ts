// One side of an L2 book: prices and quantities in parallel arrays kept sorted so that the best level is LAST.
// Updates cluster near the top of the book, so inserting or removing near the end of the array moves few elements;
// lookups are binary searches.

export class BookSide {
  readonly isBid: boolean;
  /** Bids ascending, asks descending: the best price is at the end. */
  readonly #prices: number[] = [];
  readonly #quantities: number[] = [];

  constructor(side: 'bid' | 'ask') {
    this.isBid = side === 'bid';
  }

  get size(): number {
    return this.#prices.length;
  }

  clear(): void {
    this.#prices.length = 0;
    this.#quantities.length = 0;
  }

  /** True when `a` sorts before `b` (further from the top of the book). */
  #below(a: number, b: number): boolean {
    return this.isBid ? a < b : a > b;
  }

  /** Index of `price`, or of where it would be inserted. */
  #search(price: number): number {
    const prices = this.#prices;
    let lo = 0;
    let hi = prices.length;
    // Most updates touch the top: check the last slots before the full search.
    const n = prices.length;
    if (n > 0 && !this.#below(price, prices[n - 1]!)) return prices[n - 1] === price ? n - 1 : n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#below(prices[mid]!, price)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sets a level; quantity 0 removes it. */
  set(price: number, quantity: number): void {
    const i = this.#search(price);
    const found = this.#prices[i] === price;
    if (quantity === 0) {
      if (found) {
        if (i === this.#prices.length - 1) {
          this.#prices.pop();
          this.#quantities.pop();
        } else {
          this.#prices.splice(i, 1);
          this.#quantities.splice(i, 1);
        }
      }
      return;
    }
    if (found) {
      this.#quantities[i] = quantity;
    } else if (i === this.#prices.length) {
      this.#prices.push(price);
      this.#quantities.push(quantity);
    } else {
      this.#prices.splice(i, 0, price);
      this.#quantities.splice(i, 0, quantity);
    }
  }

  /** Replaces every level (a snapshot); the input may be in any order. */
  load(levels: readonly (readonly [number, number])[]): void {
    const sorted = levels.filter(([, q]) => q > 0).slice();
    sorted.sort((a, b) => (this.isBid ? a[0] - b[0] : b[0] - a[0]));
    this.#prices.length = 0;
    this.#quantities.length = 0;
    for (const [p, q] of sorted) {
      if (this.#prices[this.#prices.length - 1] === p) this.#quantities[this.#quantities.length - 1] = q;
      else {
        this.#prices.push(p);
        this.#quantities.push(q);
      }
    }
  }

  bestPrice(): number | undefined {
    return this.#prices[this.#prices.length - 1];
  }

  bestQuantity(): number | undefined {
    return this.#quantities[this.#quantities.length - 1];
  }

  quantityAt(price: number): number {
    const i = this.#search(price);
    return this.#prices[i] === price ? this.#quantities[i]! : 0;
  }

  /** The top `n` levels, best first. */
  top(n: number): [number, number][] {
    const out: [number, number][] = [];
    for (let i = this.#prices.length - 1; i >= 0 && out.length < n; i--) out.push([this.#prices[i]!, this.#quantities[i]!]);
    return out;
  }

  /** Total quantity of the top `n` levels. */
  volume(n: number): number {
    let sum = 0;
    for (let i = this.#prices.length - 1, k = 0; i >= 0 && k < n; i--, k++) sum += this.#quantities[i]!;
    return sum;
  }
}
