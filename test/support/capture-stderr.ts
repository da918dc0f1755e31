/**
 * Records everything written to stderr (our logs and Temporal's), so a test can prove a secret
 * never appears in log output. Lines matching `quiet` are recorded but not echoed.
 */
export function captureStderr(quiet?: RegExp): { text(): string; restore(): void } {
  const logged: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(String(chunk));
    if (quiet?.test(String(chunk))) return true;
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  return {
    text: () => logged.join(''),
    restore: () => {
      process.stderr.write = original;
    },
  };
}
