/**
 * What an investigation costs the Redis it examines, measured from the agent's side: how many
 * commands it sent, how long at least one of them was in flight (an upper bound on the server
 * time they took: it includes the network and any queueing), and the longest single round trip.
 * Pure data and arithmetic: the workflow bundle sums footprints too.
 */
export interface Footprint {
  commands: number;
  /** Time with at least one of the agent's commands in flight, in ms: an upper bound on their server time. */
  busyMs: number;
  /** The longest single round trip, in ms, and the command it was. */
  longestMs: number;
  longestCommand?: string;
}

export const NO_FOOTPRINT: Footprint = { commands: 0, busyMs: 0, longestMs: 0 };

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function addFootprints(a: Footprint, b: Footprint): Footprint {
  const longest = b.longestMs > a.longestMs ? b : a;
  return {
    commands: a.commands + b.commands,
    busyMs: round(a.busyMs + b.busyMs),
    longestMs: longest.longestMs,
    ...(longest.longestCommand ? { longestCommand: longest.longestCommand } : {}),
  };
}
