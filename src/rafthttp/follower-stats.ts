/**
 * Round-trip facts about one follower, as etcd's LeaderStats reports them: latency in milliseconds
 * of heartbeat and append round trips, and the counts of round trips that succeeded or failed.
 */
export interface FollowerLatency {
  current: number;
  average: number;
  standardDeviation: number;
  minimum: number;
  maximum: number;
}

export interface FollowerStatsView {
  latency: FollowerLatency;
  counts: { fail: number; success: number };
}

export class FollowerStats {
  private current = 0;
  private average = 0;
  private averageSquare = 0;
  private minimum = 0;
  private maximum = 0;
  private success = 0;
  private fail = 0;

  /** A round trip that took `ms`. */
  succeeded(ms: number): void {
    this.success++;
    this.current = ms;
    if (this.success === 1 || ms < this.minimum) this.minimum = ms;
    if (ms > this.maximum) this.maximum = ms;
    const n = this.success;
    this.average = ((n - 1) * this.average + ms) / n;
    this.averageSquare = ((n - 1) * this.averageSquare + ms * ms) / n;
  }

  failed(): void {
    this.fail++;
  }

  view(): FollowerStatsView {
    const variance = this.averageSquare - this.average * this.average;
    return {
      latency: {
        current: this.current,
        average: this.average,
        standardDeviation: Math.sqrt(Math.max(0, variance)),
        minimum: this.minimum,
        maximum: this.maximum,
      },
      counts: { fail: this.fail, success: this.success },
    };
  }
}
