/**
 * Runs `fn` over the items at most `concurrency` at a time (a fleet check, a question about several
 * instances); results come back in item order. `onEach` hears how many are done after each one.
 */
export async function inLanes<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>, onEach?: (done: number) => void): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
      onEach?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
