// k-way merge of time-ordered async streams (several symbols or files into one replay), stable for ties.

interface Head<T> {
  readonly item: T;
  readonly source: number;
}

/** Earlier timestamp first; on a tie, the source listed first. */
function before<T extends { readonly timestamp: number }>(a: Head<T>, b: Head<T>): boolean {
  return a.item.timestamp < b.item.timestamp || (a.item.timestamp === b.item.timestamp && a.source < b.source);
}

/** A binary min-heap of the current head of every source. */
class HeadHeap<T extends { readonly timestamp: number }> {
  readonly #heap: Head<T>[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(head: Head<T>): void {
    const h = this.#heap;
    h.push(head);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as Head<T>, h[parent] as Head<T>)) break;
      [h[i], h[parent]] = [h[parent] as Head<T>, h[i] as Head<T>];
      i = parent;
    }
  }

  pop(): Head<T> | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as Head<T>, h[m] as Head<T>)) m = l;
        if (r < h.length && before(h[r] as Head<T>, h[m] as Head<T>)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Head<T>, h[i] as Head<T>];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Merges async iterables that are each ordered by `timestamp` into one ordered stream. Items with equal timestamps
 * come out in the order of the sources in the list (and, within one source, in that source's order). Stopping early
 * (break, or an error) closes every source.
 */
export async function* mergeByTime<T extends { readonly timestamp: number }>(
  sources: readonly AsyncIterable<T>[],
): AsyncGenerator<T> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const open = new Set<number>();
  const heap = new HeadHeap<T>();
  const advance = async (source: number): Promise<void> => {
    const it = iterators[source];
    if (it === undefined) return;
    open.add(source);
    const next = await it.next();
    if (next.done === true) open.delete(source);
    else heap.push({ item: next.value, source });
  };
  try {
    for (let i = 0; i < iterators.length; i++) await advance(i);
    for (let head = heap.pop(); head !== undefined; head = heap.pop()) {
      yield head.item;
      await advance(head.source);
    }
  } finally {
    const closing: Promise<unknown>[] = [];
    for (const i of open) {
      const done = iterators[i]?.return?.();
      if (done !== undefined) closing.push(done);
    }
    await Promise.all(closing);
  }
}
