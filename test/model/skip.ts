/** SRE_SKIP_LOCAL_MODEL=1 skips the real-model tests (and says so); nothing else does. */
export function localModelSkipped(): boolean {
  return process.env.SRE_SKIP_LOCAL_MODEL === '1';
}

export const SKIP_MESSAGE =
  'real-model tests skipped: SRE_SKIP_LOCAL_MODEL=1 is set (unset it to build and run the local model; first run on a machine about 10 minutes, then cached)';
