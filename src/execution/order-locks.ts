// Per-order locks: operations on one order (its submit answer, venue reports, cancels) run one at a time, in the
// order they were started, so that each sees the order the previous one left. Different orders do not wait.
export class OrderLocks {
  /** Per order, a promise that settles once every operation started on it so far has finished. */
  readonly #tails = new Map<string, Promise<void>>();

  /** Whether an operation on some order is still running or queued. */
  get busy(): boolean {
    return this.#tails.size > 0;
  }

  /** What `idle()` waits for: the operations started so far on every order. */
  tails(): IterableIterator<Promise<void>> {
    return this.#tails.values();
  }

  /** Runs `fn` after every earlier operation on the same order: reports for one order apply one at a time. */
  run<T>(clientOrderId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(clientOrderId) ?? Promise.resolve();
    const run = previous.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(clientOrderId, tail);
    void tail.then(() => {
      if (this.#tails.get(clientOrderId) === tail) this.#tails.delete(clientOrderId);
    });
    return run;
  }
}
