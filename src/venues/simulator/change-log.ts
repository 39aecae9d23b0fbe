// Which orders changed since a given time, without reading every order. The simulator keeps an account's orders for
// good (as Robinhood does), and every status poll of a paper session asks for those updated since its last poll: a
// scan of all of them grows with the session, this reads only the tail of the log.

/** Something whose `updatedAt` is recorded here every time it changes. */
export interface Changing {
  readonly updatedAt: number;
}

export class ChangeLog<T extends Changing> {
  /** Entry i: `items[i]` changed at `at[i]`. An item's earlier entries are stale; only its latest one counts. */
  #at: number[] = [];
  #items: T[] = [];
  readonly #latest = new Map<T, number>();
  /** False once a change was recorded earlier than the one before it (a clock set back): queries then return undefined. */
  #ordered = true;

  /** Records that `item` changed (call it after setting `item.updatedAt`). */
  record(item: T): void {
    const n = this.#at.length;
    if (n > 0 && item.updatedAt < this.#at[n - 1]!) this.#ordered = false;
    this.#at.push(item.updatedAt);
    this.#items.push(item);
    this.#latest.set(item, n);
    // Stale entries are dropped once they outnumber the items: the log stays within ~2× the items.
    if (this.#items.length > 2 * this.#latest.size + 1024) this.#compact();
  }

  /**
   * The items whose latest change is at or after `since`, in the order of those changes. Undefined when the recorded
   * times are not in order (the caller scans instead).
   */
  since(since: number): T[] | undefined {
    if (!this.#ordered) return undefined;
    let lo = 0;
    let hi = this.#at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#at[mid]! < since) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    for (let i = lo; i < this.#items.length; i++) {
      const item = this.#items[i]!;
      if (this.#latest.get(item) === i) out.push(item);
    }
    return out;
  }

  clear(): void {
    this.#at = [];
    this.#items = [];
    this.#latest.clear();
    this.#ordered = true;
  }

  #compact(): void {
    const at: number[] = [];
    const items: T[] = [];
    for (let i = 0; i < this.#items.length; i++) {
      const item = this.#items[i]!;
      if (this.#latest.get(item) !== i) continue;
      this.#latest.set(item, items.length);
      at.push(this.#at[i]!);
      items.push(item);
    }
    this.#at = at;
    this.#items = items;
  }
}
