/** The only source of "now" outside tests' fixed clocks. Instants are UTC. */
export interface Clock {
  now(): Date;
}

/** A clock that never moves: for `cuota converse --now` and tests. */
export function fixedClock(instant: Date): Clock {
  return { now: () => new Date(instant.getTime()) };
}
