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
