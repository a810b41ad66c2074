/**
 * Reads `read()` until `done(value)` holds or `timeoutMs` passes, then returns the last value, so a
 * test asserts on work the platform finishes after its response (log lines written in `waitUntil`,
 * alarms, queue consumers) without racing it. The caller's assertion still decides pass or fail.
 *
 * @example const logs = await eventually(() => pier.listLogs({}), (l) => l.data.length > 0)
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
    value = await read();
  }
  return value;
}
