// Polls a condition until it holds or the deadline passes: tests wait for behaviour, never for a fixed time.
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  ms = 5000,
  stepMs = 20,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Polls until `check` returns a value (not undefined) and returns it, or fails after `ms` with `what`. */
export async function untilValue<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 5000,
  stepMs = 20,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${ms} ms)`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
