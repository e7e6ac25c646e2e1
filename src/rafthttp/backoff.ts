/**
 * Delays between reconnection attempts: doubling from `baseMs` up to `maxMs`, each scaled by a
 * random factor in [1 - jitter, 1] so members that lost a peer together do not retry in step.
 * Pure: the randomness is injected.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Fraction of each delay that is random, in [0, 1]. */
  jitter: number;
  /** Returns a number in [0, 1). */
  random: () => number;
}

export class Backoff {
  private attempts = 0;

  constructor(private readonly opts: BackoffOptions) {}

  /** Failures since the last success. */
  get failures(): number {
    return this.attempts;
  }

  /** The delay before the next attempt after a failure. */
  next(): number {
    const { baseMs, maxMs, jitter, random } = this.opts;
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(this.attempts, 30));
    this.attempts++;
    return Math.round(ceiling * (1 - jitter * random()));
  }

  reset(): void {
    this.attempts = 0;
  }
}
